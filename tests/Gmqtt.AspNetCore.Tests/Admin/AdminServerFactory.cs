using System.Net.Http.Json;
using Gmqtt.AspNetCore.Tests.Infrastructure;
using Gmqtt.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Formatter;

namespace Gmqtt.AspNetCore.Tests.Admin;

/// <summary>
/// The sample's Program under WebApplicationFactory, on Kestrel rather than TestServer: the admin API is only
/// half of these tests — the other half is an MQTTnet client on the sample's real TCP endpoint (TestServer has no
/// sockets). Every endpoint is on 127.0.0.1 port 0; HTTP clients go to the bound HTTP port.
/// </summary>
public sealed class AdminServerFactory : WebApplicationFactory<Program>
{
    public const string ApiKey = "admin-tests-key";

    public AdminServerFactory() => UseKestrel();

    /// <summary>The sample's default SQLite session store, in a folder of this factory's own (never the sample's data/).</summary>
    public string StorageDirectory { get; } = Directory.CreateTempSubdirectory("gmqtt-admin-store-").FullName;

    public ServerEndpoints Endpoints => Services.GetRequiredService<ServerEndpoints>();

    public MqttBroker Broker => Services.GetRequiredService<MqttBroker>();

    /// <summary>An HTTP client on the sample's HTTP endpoint, sending <paramref name="apiKey"/> (none when null).</summary>
    public HttpClient Http(string? apiKey = ApiKey)
    {
        StartServer();
        return CreateHttp(Endpoints.HttpPort, apiKey);
    }

    /// <summary>An HTTP client whose relative paths are admin routes, sending <paramref name="apiKey"/> (none when null).</summary>
    public static HttpClient CreateHttp(int httpPort, string? apiKey)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/api/v1/"), Timeout = MqttnetClient.Timeout };
        if (apiKey is not null)
        {
            http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return http;
    }

    /// <summary>An MQTTnet client connected over TCP.</summary>
    internal Task<MqttnetClient> ConnectAsync(string clientId, MqttProtocolVersion version = MqttProtocolVersion.V500, Action<MqttClientOptionsBuilder>? configure = null)
    {
        StartServer();
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", Endpoints.MqttPort).WithClientId(clientId)
            .WithProtocolVersion(version).WithTimeout(MqttnetClient.Timeout);
        configure?.Invoke(options);
        return MqttnetClient.ConnectAsync(options.Build());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Kestrel:Endpoints:Mqtt:Url", "http://127.0.0.1:0");
        builder.UseSetting("Kestrel:Endpoints:MqttTls:Url", "https://127.0.0.1:0");
        builder.UseSetting("Kestrel:Endpoints:Http:Url", "http://127.0.0.1:0");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Gmqtt:Admin:ApiKey", ApiKey);
        builder.UseSetting("Gmqtt:Storage:Path", Path.Combine(StorageDirectory, "gmqtt.db"));
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(StorageDirectory, recursive: true);
    }
}
