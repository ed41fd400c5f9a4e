using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Tests;

public class BadInputTests
{
    private const int ProtocolViolationEvent = 4;

    public static TheoryData<string, byte[]> MalformedPackets => new()
    {
        // PUBLISH with QoS 3 [MQTT-3.3.1-4].
        { "publish-qos-3", [0x36, 0x05, 0x00, 0x01, (byte)'t', 0x00, 0x01] },
        // SUBSCRIBE with reserved flags 0000 instead of 0010 [MQTT-3.8.1-1].
        { "subscribe-bad-flags", [0x80, 0x06, 0x00, 0x01, 0x00, 0x01, (byte)'t', 0x00] },
        // SUBSCRIBE with no topic filter [MQTT-3.8.3-3].
        { "subscribe-empty", [0x82, 0x02, 0x00, 0x01] },
        // PUBLISH whose topic name holds a wildcard [MQTT-3.3.2-2].
        { "publish-wildcard-topic", [0x30, 0x05, 0x00, 0x03, (byte)'a', (byte)'/', (byte)'+'] },
        // PUBLISH whose topic is not valid UTF-8 [MQTT-1.5.3-1].
        { "publish-bad-utf8", [0x30, 0x04, 0x00, 0x02, 0xC3, 0x28] },
        // Remaining Length of five bytes (section 2.2.3).
        { "remaining-length-5-bytes", [0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01] },
        // PINGREQ whose Remaining Length 0 takes two bytes [MQTT-1.5.5-1].
        { "remaining-length-not-minimal", [0xC0, 0x80, 0x00] },
        // A client sending CONNACK.
        { "connack-from-client", [0x20, 0x02, 0x00, 0x00] },
        // Reserved packet type 0 [MQTT-2.2.2-2 in 3.1.1 numbering: reserved values are malformed].
        { "reserved-type-0", [0x00, 0x00] },
        // QoS 1 PUBLISH with packet identifier 0 [MQTT-2.3.1-1].
        { "publish-packet-id-0", [0x32, 0x05, 0x00, 0x01, (byte)'t', 0x00, 0x00] },
    };

    [Theory]
    [MemberData(nameof(MalformedPackets))]
    public async Task Malformed_packet_closes_that_connection_logs_and_leaves_other_clients_working(string name, byte[] bytes)
    {
        _ = name;
        var hook = new TestHook();
        await using var harness = new BrokerHarness(null, hook);
        var subscriber = await harness.SubscriberAsync("s", "t", MqttQualityOfService.AtLeastOnce);
        var publisher = await harness.ConnectAsync("p");
        var bad = await harness.ConnectAsync("bad");

        await bad.SendBytesAsync(bytes);
        Assert.Empty(await bad.ExpectClosedAsync());
        Assert.True(harness.Logged(ProtocolViolationEvent), harness.Logs.ToString());
        Assert.Contains(hook.Closed, c => c is ("bad", MqttCloseReason.ProtocolError));

        await publisher.PublishAckedAsync("t", "still working", 1);
        Assert.Equal("still working", RawClient.Text(await subscriber.ReceivePublishAsync()));
    }

    [Fact]
    public async Task Oversize_packet_is_refused_from_its_fixed_header_and_closes_the_connection()
    {
        await using var harness = new BrokerHarness(o => o.MaxPacketSize = 128);
        var subscriber = await harness.SubscriberAsync("s", "t");
        var publisher = await harness.ConnectAsync("p");
        var bad = await harness.ConnectAsync("bad");

        // Only the fixed header of a 1,000,000-byte PUBLISH: the broker must not wait for the body.
        await bad.SendBytesAsync(0x30, 0xC0, 0x84, 0x3D);
        Assert.Empty(await bad.ExpectClosedAsync());
        Assert.Contains(harness.Logs.Entries, e => e.EventId == ProtocolViolationEvent && e.Message.Contains("PacketTooLarge", StringComparison.Ordinal));

        // A packet just under the limit is still fine for everyone else.
        await publisher.PublishAsync("t", new string('x', 100));
        Assert.Equal(100, (await subscriber.ReceivePublishAsync()).Payload.Length);
    }

    [Fact]
    public async Task Oversize_CONNECT_is_refused_before_any_session_exists()
    {
        await using var harness = new BrokerHarness(o => o.MaxPacketSize = 64);
        var client = harness.Open();
        await client.SendAsync(new ConnectPacket { ClientId = new string('c', 100) });
        await client.ExpectClosedAsync();
        Assert.Equal(0, harness.Broker.SessionCount);
        Assert.True(harness.Logged(ProtocolViolationEvent));
    }

    [Fact]
    public async Task Connection_dropped_inside_a_packet_is_closed_and_publishes_nothing()
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("s");
        await subscriber.SubscribeAsync(1, ("t", MqttQualityOfService.AtMostOnce), ("marker", MqttQualityOfService.AtMostOnce));
        var bad = await harness.ConnectAsync("bad");
        await bad.SendBytesAsync(0x30, 0x10, 0x00, 0x01, (byte)'t'); // PUBLISH announced with 16 bytes, 3 sent
        await bad.DropAsync();
        await bad.ExpectClosedAsync();
        Assert.True(harness.Logged(7)); // TruncatedPacket

        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "marker" });
        Assert.Equal("marker", (await subscriber.ReceivePublishAsync()).Topic);
    }
}
