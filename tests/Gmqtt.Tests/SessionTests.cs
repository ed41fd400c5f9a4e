using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Tests;

public class SessionTests
{
    private static readonly MqttWill Will = new() { Topic = "wills/c1", Payload = "gone"u8.ToArray() };

    [Fact]
    public async Task Second_connection_with_the_same_client_id_closes_the_first_and_publishes_its_will() // [MQTT-3.1.4-2]
    {
        var hook = new TestHook();
        await using var harness = new BrokerHarness(null, hook);
        var watcher = await harness.SubscriberAsync("watcher", "wills/#");
        var first = await harness.ConnectAsync("c1", will: Will);

        var second = harness.Open();
        Assert.Equal(MqttReasonCode.Success, (await second.ConnectAsync("c1")).ReasonCode);
        Assert.Empty(await first.ExpectClosedAsync());

        var will = await watcher.ReceivePublishAsync();
        Assert.Equal("wills/c1", will.Topic);
        Assert.Equal("gone", RawClient.Text(will));
        Assert.Contains(hook.Closed, c => c is ("c1", MqttCloseReason.SessionTakenOver));

        // The new connection owns the identifier and works.
        Assert.True(harness.Broker.GetClient("c1")!.Connected);
        await second.SendAsync(PingReqPacket.Instance);
        await second.ReceiveAsync<PingRespPacket>();
    }

    [Fact]
    public async Task Clean_session_1_discards_subscriptions_and_queued_messages() // [MQTT-3.1.2-6]
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.SubscriberAsync("s", "t", MqttQualityOfService.AtLeastOnce, clean: false);
        await subscriber.SendAsync(new DisconnectPacket());
        await subscriber.ExpectClosedAsync();

        var publisher = await harness.ConnectAsync("p");
        await publisher.PublishAckedAsync("t", "queued", 1);
        Assert.Equal(1, harness.Broker.GetClient("s")!.QueuedMessages);

        var again = harness.Open();
        var connAck = await again.ConnectAsync("s", clean: true);
        Assert.False(connAck.SessionPresent);
        Assert.Empty(harness.Broker.GetClient("s")!.Subscriptions);

        // Nothing queued arrives and the old subscription no longer routes: the first message is the marker.
        Assert.Equal(0, harness.Broker.GetClient("s")!.QueuedMessages);
        await again.SubscribeAsync("marker");
        await publisher.PublishAckedAsync("t", "after", 2);
        await publisher.PublishAsync("marker", "m");
        Assert.Equal("marker", (await again.ReceivePublishAsync()).Topic);
    }

    [Fact]
    public async Task Clean_session_0_keeps_subscriptions_and_queues_QoS_1_and_2_but_drops_QoS_0_while_offline() // [MQTT-3.1.2-4] [MQTT-3.1.2-5]
    {
        var hook = new TestHook();
        await using var harness = new BrokerHarness(null, hook);
        var subscriber = await harness.SubscriberAsync("s", "t/#", MqttQualityOfService.ExactlyOnce, clean: false);
        await subscriber.SendAsync(new DisconnectPacket());
        await subscriber.ExpectClosedAsync();

        var publisher = await harness.ConnectAsync("p");
        await publisher.PublishAsync("t/0", "qos0");
        await publisher.PublishAckedAsync("t/1", "qos1", 1);
        await publisher.PublishAsync("t/2", "qos2", MqttQualityOfService.ExactlyOnce, 2);
        await publisher.ReceiveAsync<PubRecPacket>();
        Assert.Contains(hook.Dropped, d => d is ("s", { Topic: "t/0" }, MqttDropReason.OfflineQoS0));

        var back = harness.Open();
        Assert.True((await back.ConnectAsync("s", clean: false)).SessionPresent);
        var first = await back.ReceivePublishAsync();
        Assert.Equal(("t/1", MqttQualityOfService.AtLeastOnce, false), (first.Topic, first.QoS, first.Dup));
        var second = await back.ReceivePublishAsync();
        Assert.Equal(("t/2", MqttQualityOfService.ExactlyOnce, false), (second.Topic, second.QoS, second.Dup));

        // The subscription survived: a new message is routed to it.
        await back.AckAsync(first);
        await back.AckAsync(second);
        await publisher.PublishAckedAsync("t/x", "live", 3);
        Assert.Equal("t/x", (await back.ReceiveMessageAsync()).Topic);
    }

    [Fact]
    public async Task QoS_0_is_queued_for_an_offline_session_when_QueueQoS0WhenOffline()
    {
        await using var harness = new BrokerHarness(o => o.QueueQoS0WhenOffline = true);
        var subscriber = await harness.SubscriberAsync("s", "t", MqttQualityOfService.AtLeastOnce, clean: false);
        await subscriber.SendAsync(new DisconnectPacket());
        await subscriber.ExpectClosedAsync();

        var publisher = await harness.ConnectAsync("p");
        await publisher.PublishAsync("t", "qos0");
        await publisher.PublishAckedAsync("t", "barrier", 1);

        var back = harness.Open();
        await back.ConnectAsync("s", clean: false);
        var publish = await back.ReceivePublishAsync();
        Assert.Equal(("qos0", MqttQualityOfService.AtMostOnce), (RawClient.Text(publish), publish.QoS));
    }

    [Fact]
    public async Task Reconnect_resends_unacknowledged_PUBLISH_with_DUP_and_PUBREL_before_new_messages() // [MQTT-4.4.0-1] [MQTT-3.3.1-1]
    {
        await using var harness = new BrokerHarness();
        var subscriber = harness.Open();
        await subscriber.ConnectAsync("s", clean: false);
        await subscriber.SubscribeAsync(1, ("q1", MqttQualityOfService.AtLeastOnce), ("q2", MqttQualityOfService.ExactlyOnce));

        var publisher = await harness.ConnectAsync("p");
        await publisher.PublishAckedAsync("q1", "one", 1);
        var one = await subscriber.ReceivePublishAsync(); // never acknowledged
        await publisher.PublishAsync("q2", "two", MqttQualityOfService.ExactlyOnce, 2);
        await publisher.ReceiveAsync<PubRecPacket>();
        var two = await subscriber.ReceivePublishAsync();
        await subscriber.SendAsync(new PubRecPacket { PacketId = two.PacketId });
        Assert.Equal(two.PacketId, (await subscriber.ReceiveAsync<PubRelPacket>()).PacketId); // PUBCOMP never sent

        await subscriber.DropAsync();
        await subscriber.ExpectClosedAsync();
        await publisher.PublishAckedAsync("q1", "three", 3); // queued while offline

        var back = harness.Open();
        Assert.True((await back.ConnectAsync("s", clean: false)).SessionPresent);
        var resent = await back.ReceivePublishAsync();
        Assert.Equal((one.PacketId, true, "one", MqttQualityOfService.AtLeastOnce), (resent.PacketId, resent.Dup, RawClient.Text(resent), resent.QoS));
        Assert.Equal(two.PacketId, (await back.ReceiveAsync<PubRelPacket>()).PacketId);
        var three = await back.ReceivePublishAsync();
        Assert.Equal(("three", false), (RawClient.Text(three), three.Dup));
        Assert.NotEqual(one.PacketId, three.PacketId);

        // The re-sent exchanges complete normally.
        await back.SendAsync(new PubAckPacket { PacketId = one.PacketId });
        await back.SendAsync(new PubCompPacket { PacketId = two.PacketId });
        await back.SendAsync(new PubAckPacket { PacketId = three.PacketId });
        await Eventually.TrueAsync(() => harness.Broker.GetClient("s")!.InflightMessages == 0, "the in-flight set to empty");
    }

    [Fact]
    public async Task Takeover_with_clean_session_0_keeps_the_session_and_moves_unacknowledged_messages_to_the_new_connection() // [MQTT-3.1.4-2] [MQTT-4.4.0-1]
    {
        await using var harness = new BrokerHarness();
        var first = harness.Open();
        await first.ConnectAsync("s", clean: false);
        await first.SubscribeAsync("t", MqttQualityOfService.AtLeastOnce);
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "t", Payload = "pending"u8.ToArray(), QoS = MqttQualityOfService.AtLeastOnce });
        var pending = await first.ReceivePublishAsync(); // not acknowledged

        var second = harness.Open();
        Assert.True((await second.ConnectAsync("s", clean: false)).SessionPresent);
        await first.ExpectClosedAsync();
        var resent = await second.ReceivePublishAsync();
        Assert.Equal((pending.PacketId, true, "pending"), (resent.PacketId, resent.Dup, RawClient.Text(resent)));
        Assert.Single(harness.Broker.GetClient("s")!.Subscriptions);
    }

    [Fact]
    public async Task Inbound_QoS_2_awaiting_PUBREL_survives_a_reconnect_and_is_not_routed_twice() // [MQTT-3.1.2-4] [MQTT-4.3.3-2]
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("s");
        await subscriber.SubscribeAsync(1, ("t", MqttQualityOfService.AtMostOnce), ("marker", MqttQualityOfService.AtMostOnce));

        var publisher = harness.Open();
        await publisher.ConnectAsync("p", clean: false);
        await publisher.PublishAsync("t", "exactly once", MqttQualityOfService.ExactlyOnce, packetId: 5);
        await publisher.ReceiveAsync<PubRecPacket>();
        Assert.Equal("exactly once", RawClient.Text(await subscriber.ReceivePublishAsync()));
        await publisher.DropAsync(); // PUBREC lost as far as the client knows
        await publisher.ExpectClosedAsync();

        var back = harness.Open();
        Assert.True((await back.ConnectAsync("p", clean: false)).SessionPresent);
        await back.PublishAsync("t", "exactly once", MqttQualityOfService.ExactlyOnce, packetId: 5, dup: true);
        Assert.Equal(5, (await back.ReceiveAsync<PubRecPacket>()).PacketId);
        await back.SendAsync(new PubRelPacket { PacketId = 5 });
        Assert.Equal(5, (await back.ReceiveAsync<PubCompPacket>()).PacketId);

        await back.PublishAsync("marker", "m");
        Assert.Equal("marker", (await subscriber.ReceivePublishAsync()).Topic);
    }
}
