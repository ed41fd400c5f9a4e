using Gmqtt.Server.Auth;

namespace Gmqtt.AspNetCore.Tests.Operations;

/// <summary>The sample broker with one user, so that a wrong password makes a connect and an authentication failure.</summary>
public sealed class OperationsServerFixture : ServerFixture
{
    public const string UserName = "ops";
    public const string Password = "ops-secret";

    public OperationsServerFixture()
    {
        ExtraArgs =
        [
            "--Gmqtt:Auth:Enabled=true",
            "--Gmqtt:Auth:AllowAnonymous=true",
            $"--Gmqtt:Auth:Users:0:UserName={UserName}",
            $"--Gmqtt:Auth:Users:0:PasswordHash={ConfigurationAuthHook.HashPassword(Password)}",
        ];
    }

    /// <summary>A client for the sample's HTTP endpoint.</summary>
    public HttpClient CreateHttpClient() => new() { BaseAddress = new Uri($"http://127.0.0.1:{Endpoints.HttpPort}"), Timeout = TimeSpan.FromSeconds(15) };
}
