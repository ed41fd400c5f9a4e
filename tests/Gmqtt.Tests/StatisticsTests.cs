using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Tests;

public class StatisticsTests
{
    // MQTT 3.1.1 packet sizes, counted by hand from the standard (fixed header + remaining length + body):
    private const int Connect = 17;      // 2 + "MQTT"(6) level(1) flags(1) keep alive(2) + client id "sub"/"pub" (2+3)
    private const int ConnAck = 4;       // 2 + 2
    private const int Subscribe = 8;     // 2 + packet id(2) + "t"(2+1) + options(1)
    private const int SubAck = 5;        // 2 + packet id(2) + one code(1)
    private const int Publish0 = 8;      // 2 + "t"(2+1) + "abc"(3)
    private const int Publish1 = 10;     // 2 + "t"(2+1) + packet id(2) + "abc"(3)
    private const int PubAck = 4;        // 2 + packet id(2)
    private const int Ping = 2;          // PINGREQ and PINGRESP
    private const int Disconnect = 2;

    [Fact]
    public async Task Traffic_counts_every_PUBLISH_and_every_byte_in_and_out_per_connection_and_in_total()
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.SubscriberAsync("sub", "t", MqttQualityOfService.AtLeastOnce);
        var publisher = await harness.ConnectAsync("pub");

        await publisher.PublishAsync("t", "abc");
        await publisher.PublishAckedAsync("t", "abc", packetId: 1);
        await publisher.PublishAckedAsync("t", "abc", packetId: 2);
        var received = new List<PublishPacket>();
        for (var i = 0; i < 3; i++)
        {
            var publish = await subscriber.ReceivePublishAsync();
            received.Add(publish);
            await subscriber.AckAsync(publish);
        }

        Assert.Equal([MqttQualityOfService.AtMostOnce, MqttQualityOfService.AtLeastOnce, MqttQualityOfService.AtLeastOnce], received.Select(p => p.QoS));
        await subscriber.PingAsync(); // A barrier: the PUBACKs before it have been read.

        // Per connection: what each client sent is what the broker received from it, and the reverse.
        var sub = harness.Broker.GetClient("sub")!;
        Assert.Equal((0L, 3L), (sub.MessagesReceived, sub.MessagesSent));
        Assert.Equal((long)Connect + Subscribe + PubAck + PubAck + Ping, sub.BytesReceived);
        Assert.Equal((long)ConnAck + SubAck + Publish0 + Publish1 + Publish1 + Ping, sub.BytesSent);
        var pub = harness.Broker.GetClient("pub")!;
        Assert.Equal((3L, 0L), (pub.MessagesReceived, pub.MessagesSent));
        Assert.Equal((long)Connect + Publish0 + Publish1 + Publish1, pub.BytesReceived);
        Assert.Equal((long)ConnAck + PubAck + PubAck, pub.BytesSent);

        var statistics = harness.Broker.GetStatistics();
        Assert.Equal((3L, 3L), (statistics.MessagesReceived, statistics.MessagesSent));
        Assert.Equal(sub.BytesReceived + pub.BytesReceived, statistics.BytesReceived);
        Assert.Equal(sub.BytesSent + pub.BytesSent, statistics.BytesSent);

        // By QoS, as the meter reports them.
        var traffic = harness.Broker.GetTraffic();
        Assert.Equal((1L, 2L, 0L), (traffic.PublishReceived[0], traffic.PublishReceived[1], traffic.PublishReceived[2]));
        Assert.Equal((1L, 2L, 0L), (traffic.PublishSent[0], traffic.PublishSent[1], traffic.PublishSent[2]));

        // A closed connection's traffic stays in the totals, counted once.
        await subscriber.DisconnectAsync(); // Returns once the broker has finished with the connection.
        var after = harness.Broker.GetStatistics();
        Assert.Equal(statistics.BytesReceived + Disconnect, after.BytesReceived);
        Assert.Equal((statistics.BytesSent, 3L, 3L), (after.BytesSent, after.MessagesReceived, after.MessagesSent));
        Assert.Equal(1, after.Connections);
    }

    [Fact]
    public async Task A_persistent_session_reports_no_traffic_while_offline()
    {
        await using var harness = new BrokerHarness();
        var client = await harness.ConnectAsync("c", clean: false);
        await client.PublishAckedAsync("x", "abc", packetId: 1);
        await client.DisconnectAsync();

        var snapshot = harness.Broker.GetClient("c")!;
        Assert.False(snapshot.Connected);
        Assert.Equal((0L, 0L, 0L, 0L), (snapshot.MessagesReceived, snapshot.MessagesSent, snapshot.BytesReceived, snapshot.BytesSent));
        var statistics = harness.Broker.GetStatistics();
        Assert.Equal((1L, 15L + Publish1 + Disconnect), (statistics.MessagesReceived, statistics.BytesReceived)); // CONNECT with client id "c": 15 bytes
    }

    [Fact]
    public async Task Drops_are_counted_by_reason()
    {
        await using var harness = new BrokerHarness(o => o.MaxQueuedMessages = 1);
        var offline = await harness.SubscriberAsync("off", "t", MqttQualityOfService.AtLeastOnce, clean: false);
        await offline.DisconnectAsync();

        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "t" });                                         // offline QoS 0
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "t", QoS = MqttQualityOfService.AtLeastOnce }); // queued
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "t", QoS = MqttQualityOfService.AtLeastOnce }); // queue full

        Assert.Equal(2L, harness.Broker.GetStatistics().MessagesDropped);
        Assert.Equal((1L, 1L), (harness.Broker.Counters.GetDrops(MqttDropReason.OfflineQoS0), harness.Broker.Counters.GetDrops(MqttDropReason.QueueFull)));

        // Ending the session drops what it still had queued.
        Assert.True(await harness.Broker.DisconnectClientAsync("off", endSession: true));
        Assert.Equal((3L, 1L), (harness.Broker.GetStatistics().MessagesDropped, harness.Broker.Counters.GetDrops(MqttDropReason.SessionEnded)));
    }

    [Fact]
    public async Task Refused_connects_are_counted_and_authentication_failures_apart()
    {
        var hook = new TestHook { Connect = c => c.ReasonCode = c.Packet.UserName == "bad" ? MqttReasonCode.BadUserNameOrPassword : MqttReasonCode.Success };
        await using var harness = new BrokerHarness(o => o.MaxClientIdLength = 23, hook);

        var wrongPassword = harness.Open();
        Assert.Equal(MqttReasonCode.BadUserNameOrPassword, (await wrongPassword.ConnectAsync("a", userName: "bad", password: "x")).ReasonCode);
        var longId = harness.Open();
        Assert.Equal(MqttReasonCode.ClientIdentifierNotValid, (await longId.ConnectAsync(new string('x', 24))).ReasonCode);
        var unsupported = harness.Open();
        await unsupported.SendBytesAsync(0x10, 0x0D, 0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x09, 0x02, 0x00, 0x00, 0x00, 0x01, (byte)'u');
        await unsupported.ExpectClosedAsync();

        var statistics = harness.Broker.GetStatistics();
        Assert.Equal((3L, 1L), (statistics.ConnectFailures, statistics.AuthFailures));
        Assert.Equal(
            [(MqttReasonCode.UnsupportedProtocolVersion, 1L), (MqttReasonCode.ClientIdentifierNotValid, 1L), (MqttReasonCode.BadUserNameOrPassword, 1L)],
            harness.Broker.Counters.GetConnectFailures().OrderBy(f => f.Code));
        Assert.Equal([(MqttReasonCode.BadUserNameOrPassword, 1L)], harness.Broker.Counters.GetAuthFailures());
    }

    [Fact]
    public async Task Counts_show_connections_sessions_subscriptions_and_retained_messages()
    {
        await using var harness = new BrokerHarness();
        var online = await harness.SubscriberAsync("on", "a/#");
        await online.SubscribeAsync("b", packetId: 2);
        var offline = await harness.SubscriberAsync("off", "c", clean: false);
        await offline.DisconnectAsync();
        harness.Open(); // A connection that has not sent CONNECT yet.
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "r/1", Payload = "x"u8.ToArray(), Retain = true });

        await Eventually.TrueAsync(() => harness.Broker.ConnectionCount == 2, "the unconnected connection to register");
        var statistics = harness.Broker.GetStatistics();
        Assert.Equal((2, 2, 1, 3, 1), (statistics.Connections, statistics.Sessions, statistics.OfflineSessions, statistics.Subscriptions, statistics.RetainedMessages));
    }
}
