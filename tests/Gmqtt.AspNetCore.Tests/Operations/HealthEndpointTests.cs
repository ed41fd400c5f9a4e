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
