using System.Net;
using System.Text.Json;
using Gmqtt.AspNetCore.Hosting;
using Gmqtt.AspNetCore.Tests.Infrastructure;
using Gmqtt.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using MQTTnet.Formatter;

namespace Gmqtt.AspNetCore.Tests.Operations;

public class HealthEndpointTests(OperationsServerFixture server) : IClassFixture<OperationsServerFixture>
{
    [Fact]
    public async Task Health_is_Healthy_with_the_listeners_and_counts()
    {
        using var client = await MqttnetClient.ConnectAsync(MqttnetClient.Options(server, "ws", MqttProtocolVersion.V311, "health-client").Build());
        using var http = server.CreateHttpClient();

        using var response = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        var gmqtt = json.RootElement.GetProperty("checks").GetProperty("gmqtt");
        Assert.Equal("Healthy", gmqtt.GetProperty("status").GetString());
        var data = gmqtt.GetProperty("data");
        Assert.True(data.GetProperty("connections").GetInt32() >= 1);
        Assert.Contains("ws /mqtt", data.GetProperty("listeners").EnumerateArray().Select(l => l.GetString()));
        Assert.Contains(data.GetProperty("listeners").EnumerateArray(), l => l.GetString()!.StartsWith("tcp http://127.0.0.1:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Health_is_Unhealthy_503_once_the_broker_stops()
    {
        var own = new OperationsServerFixture();
        await own.InitializeAsync();
        try
        {
            using var http = own.CreateHttpClient();
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);

            await own.Broker.StopAsync();
            using var response = await http.GetAsync("/health");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("Unhealthy", json.RootElement.GetProperty("status").GetString());
            Assert.Contains("stopping or stopped", json.RootElement.GetProperty("checks").GetProperty("gmqtt").GetProperty("description").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    [Fact]
    public async Task Without_an_MQTT_listener_the_check_is_Unhealthy()
    {
        await using var services = Services();
        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, report.Entries["gmqtt"].Status);
        Assert.Contains("No MQTT listener", report.Entries["gmqtt"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_failing_its_probe_makes_the_check_Degraded()
    {
        await using var services = Services(gmqtt => gmqtt.AddSessionStore<FailingSessionStore>());
        services.GetRequiredService<GmqttMarkerService>().AddListener("tcp test");

        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        var entry = report.Entries["gmqtt"];
        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Contains("session store: database unreachable", entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_check_is_Unhealthy_until_a_durable_store_is_loaded_and_Degraded_after_a_failed_commit()
    {
        var store = new GatedSessionStore();
        await using var services = Services(gmqtt => gmqtt.AddSessionStore(store));
        services.GetRequiredService<GmqttMarkerService>().AddListener("tcp test");
        var health = services.GetRequiredService<HealthCheckService>();
        var broker = services.GetRequiredService<MqttBroker>();

        var starting = broker.StartAsync();
        var loading = (await health.CheckHealthAsync()).Entries["gmqtt"];
        Assert.Equal(HealthStatus.Unhealthy, loading.Status);
        Assert.Contains("loading its session store", loading.Description, StringComparison.Ordinal);

        store.Loaded.SetResult();
        await starting;
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Entries["gmqtt"].Status);

        // A retained message is written to the store; the disk refuses it.
        store.Failure = new IOException("disk full");
        await broker.PublishAsync(new MqttApplicationMessage { Topic = "health/retained", Payload = "x"u8.ToArray(), Retain = true });
        await Eventually(() => broker.StorageFailure is not null);
        var failing = (await health.CheckHealthAsync()).Entries["gmqtt"];
        Assert.Equal(HealthStatus.Degraded, failing.Status);
        Assert.Contains("disk full", failing.Description, StringComparison.Ordinal);
    }

    private static async Task Eventually(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    [Fact]
    public async Task With_a_listener_and_working_stores_the_check_is_Healthy()
    {
        await using var services = Services();
        services.GetRequiredService<GmqttMarkerService>().AddListener("tcp test");
        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, report.Entries["gmqtt"].Status);
        Assert.Equal(0, report.Entries["gmqtt"].Data["connections"]);
    }

    private static ServiceProvider Services(Action<IGmqttBuilder>? configure = null)
    {
        var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        var gmqtt = services.AddGmqtt(configure: o => o.SysInterval = TimeSpan.Zero);
        services.AddHealthChecks().AddGmqtt();
        configure?.Invoke(gmqtt);
        return services.BuildServiceProvider();
    }

    /// <summary>A durable store that loads when the test says so, and fails its commits when told to.</summary>
    private sealed class GatedSessionStore : IMqttSessionStore
    {
        public TaskCompletionSource Loaded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Exception? Failure { get; set; }

        public MqttStoreDurability Durability => MqttStoreDurability.Commit;

        public TimeSpan CommitInterval => TimeSpan.Zero;

        public async ValueTask<MqttStoreSnapshot> LoadAsync(CancellationToken cancellationToken)
        {
            await Loaded.Task.WaitAsync(cancellationToken);
            return MqttStoreSnapshot.Empty;
        }

        public ValueTask CommitAsync(IReadOnlyList<MqttStoreChange> changes, CancellationToken cancellationToken) =>
            Failure is { } failure ? ValueTask.FromException(failure) : ValueTask.CompletedTask;
    }

    /// <summary>A durable store whose database is down.</summary>
    private sealed class FailingSessionStore : IMqttSessionStore, IMqttStorageProbe
    {
        public ValueTask ProbeAsync(CancellationToken cancellationToken) => throw new IOException("database unreachable");

        public MqttStoreDurability Durability => MqttStoreDurability.None;

        public TimeSpan CommitInterval => TimeSpan.Zero;

        public ValueTask<MqttStoreSnapshot> LoadAsync(CancellationToken cancellationToken) => ValueTask.FromResult(MqttStoreSnapshot.Empty);

        public ValueTask CommitAsync(IReadOnlyList<MqttStoreChange> changes, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
