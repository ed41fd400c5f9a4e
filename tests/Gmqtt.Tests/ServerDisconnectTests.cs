using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Tests;

/// <summary>MQTT 5.0 clients are told why the server closes their connection (section 4.13.2).</summary>
public class ServerDisconnectTests
{
    [Fact]
    public async Task Mqtt5_client_taken_over_receives_disconnect_0x8E_and_a_3_1_1_client_is_just_closed()
    {
        await using var harness = new BrokerHarness();
        var first = harness.Open();
        await first.ConnectAsync("same", version: MqttProtocolVersion.V500);
        var second = harness.Open();
        await second.ConnectAsync("same", version: MqttProtocolVersion.V500);

        var disconnect = Assert.IsType<DisconnectPacket>(Assert.Single(await first.ExpectClosedAsync()));
        Assert.Equal(MqttReasonCode.SessionTakenOver, disconnect.ReasonCode);

        var third = harness.Open();
        await third.ConnectAsync("v3");
        var fourth = harness.Open();
        await fourth.ConnectAsync("v3");
        Assert.Empty(await third.ExpectClosedAsync()); // [MQTT-3.1.4-2]: the existing client is disconnected.
    }

    [Fact]
    public async Task Stopping_the_broker_sends_mqtt5_clients_disconnect_0x8B()
    {
        await using var harness = new BrokerHarness();
        var client = harness.Open();
        await client.ConnectAsync("c5", version: MqttProtocolVersion.V500);
        await harness.Broker.StopAsync();
        var disconnect = Assert.IsType<DisconnectPacket>(Assert.Single(await client.ExpectClosedAsync()));
        Assert.Equal(MqttReasonCode.ServerShuttingDown, disconnect.ReasonCode);
    }

    [Fact]
    public async Task Keepalive_timeout_sends_mqtt5_client_disconnect_0x8D()
    {
        await using var harness = new BrokerHarness();
        var client = harness.Open();
        await client.ConnectAsync("k5", version: MqttProtocolVersion.V500, keepAlive: 10);
        harness.Time.Advance(TimeSpan.FromSeconds(16));
        var disconnect = Assert.IsType<DisconnectPacket>(Assert.Single(await client.ExpectClosedAsync()));
        Assert.Equal(MqttReasonCode.KeepAliveTimeout, disconnect.ReasonCode);
    }

    [Fact]
    public async Task A_second_stop_call_waits_for_the_stop_under_way()
    {
        var hook = new StopRecordingHook();
        await using var harness = new BrokerHarness(null, hook);
        var client = harness.Open();
        await client.ConnectAsync("c");
        var first = harness.Broker.StopAsync();
        await harness.Broker.StopAsync();
        Assert.True(hook.Stopped.Task.IsCompleted, "The second StopAsync returned before the stop hooks ran.");
        await first;
    }

    private sealed class StopRecordingHook : Gmqtt.Hooks.IMqttHook
    {
        public TaskCompletionSource Stopped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask OnStopAsync()
        {
            Stopped.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }
}
