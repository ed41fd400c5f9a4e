using Gmqtt.Hooks;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Tests;

public class KeepAliveTests
{
    private const int KeepAliveTimeoutEvent = 6;

    [Fact]
    public async Task Silent_client_is_closed_after_one_and_a_half_keep_alives_not_before() // [MQTT-3.1.2-24]
    {
        var hook = new TestHook();
        await using var harness = new BrokerHarness(null, hook);
        var client = await harness.ConnectAsync("c1", keepAlive: 10);

        // The fake clock runs due timers inside Advance, so a premature close would be logged by now.
        harness.Time.Advance(TimeSpan.FromSeconds(14));
        Assert.False(harness.Logged(KeepAliveTimeoutEvent));
        Assert.True(harness.Broker.GetClient("c1")!.Connected);

        harness.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(harness.Logged(KeepAliveTimeoutEvent));
        Assert.Empty(await client.ExpectClosedAsync());
        Assert.Contains(hook.Closed, c => c is ("c1", MqttCloseReason.KeepAliveTimeout));
    }

    [Fact]
    public async Task PINGREQ_gets_PINGRESP_and_restarts_the_keep_alive() // [MQTT-3.12.4-1]
    {
        await using var harness = new BrokerHarness();
        var client = await harness.ConnectAsync("c1", keepAlive: 10);

        harness.Time.Advance(TimeSpan.FromSeconds(10));
        await client.SendAsync(PingReqPacket.Instance);
        await client.ReceiveAsync<PingRespPacket>();

        harness.Time.Advance(TimeSpan.FromSeconds(14)); // 24 s since CONNECT, 14 s since PINGREQ
        Assert.False(harness.Logged(KeepAliveTimeoutEvent));
        Assert.True(harness.Broker.GetClient("c1")!.Connected);

        harness.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(await client.ExpectClosedAsync());
    }

    [Fact]
    public async Task Any_packet_restarts_the_keep_alive() // [MQTT-3.1.2-23]
    {
        await using var harness = new BrokerHarness();
        var client = await harness.ConnectAsync("c1", keepAlive: 10);
        harness.Time.Advance(TimeSpan.FromSeconds(14));
        await client.SubscribeAsync("t"); // SUBACK proves the packet was read
        harness.Time.Advance(TimeSpan.FromSeconds(14));
        Assert.False(harness.Logged(KeepAliveTimeoutEvent));
        harness.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(await client.ExpectClosedAsync());
    }

    [Fact]
    public async Task Keep_alive_0_turns_the_check_off()
    {
        await using var harness = new BrokerHarness();
        var client = await harness.ConnectAsync("c1", keepAlive: 0);
        await client.PingAsync(); // CONNECT fully handled (connect timeout disarmed) before the clock moves
        harness.Time.Advance(TimeSpan.FromDays(2));
        Assert.False(harness.Logged(KeepAliveTimeoutEvent));
        await client.PingAsync();
        Assert.True(harness.Broker.GetClient("c1")!.Connected);
    }
}
