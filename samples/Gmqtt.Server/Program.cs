using Gmqtt.Server;
using Gmqtt.Server.Auth;

if (args is ["hash-password", var password])
{
    // Prints a hash for Gmqtt:Auth:Users[n]:PasswordHash.
    Console.WriteLine(ConfigurationAuthHook.HashPassword(password));
    return;
}

var app = GmqttServer.Build(args);
await app.RunAsync();
