using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gmqtt.AspNetCore.Tests.Infrastructure;
using Gmqtt.Hooks;
using Gmqtt.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MQTTnet;
using MQTTnet.Formatter;

namespace Gmqtt.AspNetCore.Tests;

/// <summary>AddGmqtt / UseMqtt / MapMqtt in an ASP.NET Core host: options, hooks, errors, shutdown, TLS.</summary>
public class HostingTests
{
    [Theory]
    [InlineData("--Gmqtt:MaxPacketSize=1", "MaxPacketSize")]
    [InlineData("--Gmqtt:MaxInflightMessages=0", "MaxInflightMessages")]
    [InlineData("--Gmqtt:ConnectTimeout=00:00:00", "ConnectTimeout")]
    public async Task Invalid_option_from_the_Gmqtt_section_fails_start_with_a_message_naming_it(string argument, string key)
    {
        await using var app = GmqttServer.Build(
        [
            "--Kestrel:Endpoints:Mqtt:Url=http://127.0.0.1:0",
            "--Kestrel:Endpoints:MqttTls:Url=https://127.0.0.1:0",
            "--Kestrel:Endpoints:Http:Url=http://127.0.0.1:0",
            "--Logging:LogLevel:Default=None",
            "--Gmqtt:Storage:Provider=InMemory",
            argument,
        ]);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());
        Assert.Contains(key, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Valid_options_from_the_Gmqtt_section_reach_the_broker()
    {
        await using var app = new TestApp(["--Gmqtt:MaxPacketSize=4096", "--Gmqtt:MaxKeepAlive=30"]);
        app.Listen(l => l.UseMqtt());
        app.Builder.Services.AddGmqtt(app.Builder.Configuration.GetSection("Gmqtt"), o => o.MaxQueuedMessages = 7);
        await app.StartAsync();

        var options = app.App.Services.GetRequiredService<MqttBroker>().Options;
        Assert.Equal(4096, options.MaxPacketSize);
        Assert.Equal(30, options.MaxKeepAlive);
        Assert.Equal(7, options.MaxQueuedMessages); // The configure callback applies after the configuration.
    }

    [Fact]
    public async Task Hooks_are_resolved_from_DI_and_run_in_registration_order()
    {
        await using var app = new TestApp();
        var mqtt = app.Listen(l => l.UseMqtt());
        app.Builder.Services.AddSingleton<HookLog>();
        app.Builder.Services.AddGmqtt().AddHook<FirstHook>().AddHook<SecondHook>();
        await app.StartAsync();

        using var client = new MqttnetClient();
        await client.Client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", app.Port(mqtt)).WithClientId("hooked").Build());
        await client.Client.DisconnectAsync();
        var log = app.App.Services.GetRequiredService<HookLog>();
        await log.Closed.Task.WaitAsync(MqttnetClient.Timeout);

        // Both hooks are the DI singletons (constructor-injected HookLog), called in the order they were added.
        Assert.Equal(["first:connect", "second:connect", "first:connected", "second:connected", "first:closed", "second:closed"], log.Entries);
        Assert.Same(app.App.Services.GetRequiredService<FirstHook>(), log.Instances["first"]);
    }

    [Fact]
    public async Task UseMqtt_without_AddGmqtt_fails_start_with_a_clear_error()
    {
        await using var app = new TestApp();
        app.Listen(l => l.UseMqtt());

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());
        Assert.Contains("AddGmqtt()", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapMqtt_without_AddGmqtt_throws_a_clear_error()
    {
        await using var app = new TestApp();
        app.Listen(_ => { });
        var web = app.Build();

        var failure = Assert.Throws<InvalidOperationException>(() => web.MapMqtt("/mqtt"));
        Assert.Contains("AddGmqtt()", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stopping_the_host_disconnects_every_client_runs_every_close_hook_then_the_stop_hook()
    {
        await using var app = new TestApp();
        var mqtt = app.Listen(l => l.UseMqtt());
        var http = app.Listen(_ => { });
        var shutdownTimeout = TimeSpan.FromSeconds(10);
        app.Builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdownTimeout);
        app.Builder.Services.AddSingleton<HookLog>();
        app.Builder.Services.AddGmqtt().AddHook<FirstHook>();
        await app.StartAsync(web =>
        {
            web.UseWebSockets();
            web.MapMqtt("/mqtt");
        });

        var tcp = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", app.Port(mqtt));
        var ws = new MqttClientOptionsBuilder().WithWebSocketServer(o => o.WithUri($"ws://127.0.0.1:{app.Port(http)}/mqtt"));
        using var a = await MqttnetClient.ConnectAsync(tcp.WithClientId("stop-a").WithProtocolVersion(MqttProtocolVersion.V311).Build());
        using var b = await MqttnetClient.ConnectAsync(tcp.WithClientId("stop-b").WithProtocolVersion(MqttProtocolVersion.V500).Build());
        using var c = await MqttnetClient.ConnectAsync(ws.WithClientId("stop-c").Build());
        var broker = app.App.Services.GetRequiredService<MqttBroker>();
        Assert.Equal(3, broker.ConnectionCount);

        var stopping = Stopwatch.StartNew();
        await app.App.StopAsync().WaitAsync(shutdownTimeout);
        Assert.True(stopping.Elapsed < shutdownTimeout, $"Stop took {stopping.Elapsed}.");

        // Every client saw its connection end.
        await Task.WhenAll(a.Disconnected, b.Disconnected, c.Disconnected).WaitAsync(MqttnetClient.Timeout);

        // The MQTT 5.0 client is told why: DISCONNECT 0x8B Server shutting down (section 4.13).
        Assert.Equal(MqttClientDisconnectReason.ServerShuttingDown, (await b.Disconnected).Reason);

        // Every close hook ran (for the shutdown), and the stop hook ran last, with no connection left.
        var log = app.App.Services.GetRequiredService<HookLog>();
        var entries = log.Entries.Where(e => !e.EndsWith("connect", StringComparison.Ordinal) && !e.EndsWith("connected", StringComparison.Ordinal)).ToList();
        Assert.Equal(["first:closed", "first:closed", "first:closed", "first:stop"], entries);
        Assert.Equal(["stop-a", "stop-b", "stop-c"], log.ClosedClients.Order(StringComparer.Ordinal));
        Assert.All(log.CloseReasons, r => Assert.Equal(MqttCloseReason.ServerShutdown, r));
        Assert.Equal(0, log.ConnectionsAtStop);
    }

    [Fact]
    public async Task TLS_endpoint_passes_the_client_certificate_to_the_connect_hook()
    {
        await using var app = new TestApp();
        var tls = app.Listen(l =>
        {
            l.UseHttps(o =>
            {
                o.ServerCertificate = SelfSignedCertificate.Create();
                o.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                o.AllowAnyClientCertificate();
            });
            l.UseMqtt();
        });
        app.Builder.Services.AddSingleton<HookLog>();
        app.Builder.Services.AddGmqtt().AddHook<FirstHook>();
        await app.StartAsync();
        var log = app.App.Services.GetRequiredService<HookLog>();
        using var clientCertificate = CreateClientCertificate();

        MqttClientOptions Options(string clientId, X509Certificate2? certificate) => new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", app.Port(tls)).WithClientId(clientId)
            .WithTlsOptions(o =>
            {
                o.UseTls().WithCertificateValidationHandler(_ => true);
                if (certificate is not null)
                {
                    o.WithClientCertificates([certificate]);
                }
            })
            .Build();

        using (var withCertificate = await MqttnetClient.ConnectAsync(Options("with-cert", clientCertificate)))
        {
            Assert.True(log.Certificates.TryGetValue("with-cert", out var seen));
            Assert.Equal(clientCertificate.Thumbprint, seen.Thumbprint);
            Assert.Equal("tls", seen.Transport);
        }

        // AllowCertificate: a client without one connects too, and the hook sees none.
        using var without = await MqttnetClient.ConnectAsync(Options("without-cert", null));
        Assert.True(log.Certificates.TryGetValue("without-cert", out var none));
        Assert.Null(none.Thumbprint);
        Assert.Equal("tls", none.Transport);
    }

    private static X509Certificate2 CreateClientCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=gmqtt-test-client", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>What the hooks saw, in order.</summary>
    internal sealed class HookLog
    {
        private readonly ConcurrentQueue<string> _entries = new();

        public List<string> Entries => [.. _entries];

        public ConcurrentDictionary<string, IMqttHook> Instances { get; } = new();

        public ConcurrentQueue<string> ClosedClients { get; } = new();

        public ConcurrentQueue<MqttCloseReason> CloseReasons { get; } = new();

        public ConcurrentDictionary<string, (string? Thumbprint, string Transport)> Certificates { get; } = new();

        public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int ConnectionsAtStop { get; set; } = -1;

        public void Add(string entry) => _entries.Enqueue(entry);
    }

    internal sealed class FirstHook(HookLog log, IServiceProvider services) : IMqttHook
    {
        public ValueTask OnConnectAsync(MqttConnectContext context)
        {
            log.Instances["first"] = this;
            log.Certificates[context.ClientId] = (context.ClientCertificate?.Thumbprint, context.Transport);
            log.Add("first:connect");
            return ValueTask.CompletedTask;
        }

        public ValueTask OnConnectedAsync(MqttClientInfo client)
        {
            log.Add("first:connected");
            return ValueTask.CompletedTask;
        }

        public ValueTask OnClosedAsync(MqttClientInfo client, MqttCloseReason reason)
        {
            log.ClosedClients.Enqueue(client.ClientId);
            log.CloseReasons.Enqueue(reason);
            log.Add("first:closed");
            return ValueTask.CompletedTask;
        }

        public ValueTask OnStopAsync()
        {
            log.ConnectionsAtStop = services.GetRequiredService<MqttBroker>().ConnectionCount;
            log.Add("first:stop");
            return ValueTask.CompletedTask;
        }
    }

    internal sealed class SecondHook(HookLog log) : IMqttHook
    {
        public ValueTask OnConnectAsync(MqttConnectContext context)
        {
            log.Add("second:connect");
            return ValueTask.CompletedTask;
        }

        public ValueTask OnConnectedAsync(MqttClientInfo client)
        {
            log.Add("second:connected");
            return ValueTask.CompletedTask;
        }

        public ValueTask OnClosedAsync(MqttClientInfo client, MqttCloseReason reason)
        {
            log.Add("second:closed");
            log.Closed.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }
}
