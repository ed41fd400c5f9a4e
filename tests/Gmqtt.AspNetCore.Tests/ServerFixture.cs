using Gmqtt.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Gmqtt.AspNetCore.Tests;

/// <summary>The sample broker on real Kestrel sockets, every endpoint on 127.0.0.1 port 0.</summary>
public class ServerFixture : IAsyncLifetime
{
    /// <summary>The admin API key the fixture configures (<c>Gmqtt:Admin:ApiKey</c>; the sample refuses to start without one).</summary>
    public const string AdminApiKey = "test-admin-key";

    /// <summary>Extra command-line style configuration, for tests that start their own server.</summary>
    public string[] ExtraArgs { get; init; } = [];

    public WebApplication App { get; private set; } = null!;

    /// <summary>
    /// The sample's default SQLite session store, in a folder of this fixture's own (fixtures run in parallel, and a
    /// store file is held by one broker at a time).
    /// </summary>
    public string StorageDirectory { get; } = Directory.CreateTempSubdirectory("gmqtt-store-").FullName;

    public ServerEndpoints Endpoints => App.Services.GetRequiredService<ServerEndpoints>();

    public MqttBroker Broker => App.Services.GetRequiredService<MqttBroker>();

    public async Task InitializeAsync()
    {
        string[] args =
        [
            "--Kestrel:Endpoints:Mqtt:Url=http://127.0.0.1:0",
            "--Kestrel:Endpoints:MqttTls:Url=https://127.0.0.1:0",
            "--Kestrel:Endpoints:Http:Url=http://127.0.0.1:0",
            "--Logging:LogLevel:Default=Warning",
            $"--Gmqtt:Admin:ApiKey={AdminApiKey}",
            $"--Gmqtt:Storage:Path={Path.Combine(StorageDirectory, "gmqtt.db")}",
            .. ExtraArgs,
        ];
        App = GmqttServer.Build(args);
        await App.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Directory.Delete(StorageDirectory, recursive: true);
    }
}
