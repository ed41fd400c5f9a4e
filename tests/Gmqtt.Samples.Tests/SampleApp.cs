using System.Net;
using Gmqtt.Samples.Hooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;

namespace Gmqtt.Samples.Tests;

/// <summary>
/// The sample app (<c>Program.Build</c>) on real Kestrel sockets, both endpoints on 127.0.0.1 port 0, with the test
/// users below and whatever extra configuration a test needs.
/// </summary>
public sealed class SampleApp : IAsyncDisposable
{
    public const string RootPassword = "root-secret";
    public const string AlicePassword = "alice-secret";
    public const string BobPassword = "bob-secret";

    private readonly RecordingLoggerProvider _logs;

    private SampleApp(WebApplication app, RecordingLoggerProvider logs)
    {
        App = app;
        _logs = logs;
    }

    public WebApplication App { get; }

    public SampleEndpoints Endpoints => App.Services.GetRequiredService<SampleEndpoints>();

    /// <summary>Everything the app logged (Warning and above, per the logging configuration), for failure messages.</summary>
    public string Logs => _logs.ToString();

    public static async Task<SampleApp> StartAsync(string[]? extraArgs = null, Action<WebApplicationBuilder>? configure = null)
    {
        string[] args =
        [
            "--Kestrel:Endpoints:Mqtt:Url=http://127.0.0.1:0",
            "--Kestrel:Endpoints:Http:Url=http://127.0.0.1:0",
            "--Logging:LogLevel:Default=Warning",
            // Without the accept hook a test that expects a closed connection would wait this long, and fail.
            "--Gmqtt:ConnectTimeout=00:05:00",
            $"--Hooks:Users:root={RootPassword}",
            $"--Hooks:Users:alice={AlicePassword}",
            $"--Hooks:Users:bob={BobPassword}",
            // Tests connect many times from 127.0.0.1; only the rate-limit tests lower this.
            "--Hooks:AcceptFilter:PermitLimit=10000",
            .. extraArgs ?? [],
        ];
        var logs = new RecordingLoggerProvider();
        var app = Program.Build(args, builder =>
        {
            builder.Logging.AddProvider(logs);
            configure?.Invoke(builder);
        });
        var sample = new SampleApp(app, logs);
        await app.StartAsync();
        return sample;
    }

    /// <summary>Whether the sample logged a warning in <paramref name="category"/> with this event id.</summary>
    public bool Logged(string category, int eventId) =>
        _logs.Entries.Any(e => e.Category == category && e.EventId == eventId && e.Level >= LogLevel.Warning);

    /// <summary>MQTT over TCP to the Mqtt endpoint, from <paramref name="from"/> (another loopback address, e.g. 127.0.0.2) when given.</summary>
    public MqttClientOptions TcpOptions(string clientId, string? userName, string? password, MqttProtocolVersion version = MqttProtocolVersion.V500, IPAddress? from = null)
    {
        var options = Credentials(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", Endpoints.MqttPort), clientId, userName, password, version);
        if (from is not null)
        {
            ((MqttClientTcpOptions)options.ChannelOptions).LocalEndpoint = new IPEndPoint(from, 0);
        }

        return options;
    }

    public MqttClientOptions WebSocketOptions(string clientId, string? userName, string? password, MqttProtocolVersion version = MqttProtocolVersion.V500) =>
        Credentials(new MqttClientOptionsBuilder().WithWebSocketServer(o => o.WithUri($"ws://127.0.0.1:{Endpoints.HttpPort}/mqtt")), clientId, userName, password, version);

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }

    private static MqttClientOptions Credentials(MqttClientOptionsBuilder builder, string clientId, string? userName, string? password, MqttProtocolVersion version)
    {
        builder = builder.WithClientId(clientId).WithProtocolVersion(version).WithCleanSession().WithTimeout(TimeSpan.FromSeconds(10));
        if (userName is not null)
        {
            builder = builder.WithCredentials(userName, password);
        }

        return builder.Build();
    }
}
