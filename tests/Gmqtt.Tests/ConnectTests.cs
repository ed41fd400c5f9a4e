using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Tests;

public class ConnectTests
{
    [Fact]
    public async Task Connect_is_acknowledged_with_success_and_no_session_present() // [MQTT-3.2.2-1]
    {
        await using var harness = new BrokerHarness();
        var client = harness.Open();
        var connAck = await client.ConnectAsync("c1");
        Assert.Equal(MqttReasonCode.Success, connAck.ReasonCode);
        Assert.False(connAck.SessionPresent);
    }

    [Fact]
    public async Task First_packet_other_than_connect_closes_the_connection() // [MQTT-3.1.0-1]
    {
        await using var harness = new BrokerHarness();
        var client = harness.Open();
        await client.SendAsync(PingReqPacket.Instance);
        Assert.Empty(await client.ExpectClosedAsync());
    }

    [Fact]
    public async Task Second_connect_closes_the_connection() // [MQTT-3.1.0-2]
    {
        await using var harness = new BrokerHarness();
        var client = harness.Open();
        await client.ConnectAsync("c1");
        await client.SendAsync(new ConnectPacket { ClientId = "c1" });
        Assert.Empty(await client.ExpectClosedAsync());
    }

    [Fact]
    public async Task Unsupported_protocol_level_gets_connack_0x01_then_close() // [MQTT-3.1.2-2]
    {
        await using var harness = new BrokerHarness();
        var client = harness.Open();
        // CONNECT, "MQTT", level 6, clean session, keep alive 0, client id "a".
        await client.SendBytesAsync(0x10, 0x0D, 0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x06, 0x02, 0x00, 0x00, 0x00, 0x01, (byte)'a');
        var sent = await client.ExpectClosedAsync();
        var connAck = Assert.IsType<ConnAckPacket>(Assert.Single(sent));
        Assert.Equal(MqttReasonCode.UnsupportedProtocolVersion, connAck.ReasonCode); // 0x01 on the wire for 3.1.1
    }

    [Fact]
    public async Task Empty_client_id_with_clean_session_is_assigned_one() // [MQTT-3.1.3-6]
    {
        await using var harness = new BrokerHarness();
        var client = harness.Open();
        Assert.Equal(MqttReasonCode.Success, (await client.ConnectAsync("")).ReasonCode);
        Assert.Single(harness.Broker.GetClients(), c => c.ClientId.StartsWith("gmqtt-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Empty_client_id_without_clean_session_is_rejected_with_0x02() // [MQTT-3.1.3-8]
    {
        await using var harness = new BrokerHarness();
        var client = harness.Open();
        var connAck = await client.ConnectAsync("", clean: false);
        Assert.Equal(MqttReasonCode.ClientIdentifierNotValid, connAck.ReasonCode);
        Assert.False(connAck.SessionPresent); // [MQTT-3.2.2-4]
        Assert.Empty(await client.ExpectClosedAsync()); // [MQTT-3.2.2-5]
    }

    [Fact]
    public async Task Connection_that_sends_nothing_is_closed_after_the_connect_timeout()
    {
        await using var harness = new BrokerHarness(o => o.ConnectTimeout = TimeSpan.FromSeconds(5));
        var client = harness.Open();
        await WaitUntilAsync(() => harness.Broker.ConnectionCount == 1);
        harness.Time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(client.Run.IsCompleted);
        harness.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Empty(await client.ExpectClosedAsync());
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(RawClient.Timeout);
        while (!condition())
        {
            await Task.Delay(5, timeout.Token);
        }
    }
}
