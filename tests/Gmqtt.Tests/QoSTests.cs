using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Tests;

public class QoSTests
{
    [Fact]
    public async Task Inbound_QoS_1_is_acknowledged_with_PUBACK_of_the_same_id() // [MQTT-4.3.2-2]
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.SubscriberAsync("s", "t");
        var publisher = await harness.ConnectAsync("p");
        await publisher.PublishAsync("t", "x", MqttQualityOfService.AtLeastOnce, packetId: 4242);
        Assert.Equal(4242, (await publisher.ReceiveAsync<PubAckPacket>()).PacketId);
        Assert.Equal("x", RawClient.Text(await subscriber.ReceivePublishAsync()));
    }

    [Fact]
    public async Task Inbound_QoS_2_duplicate_before_PUBREL_is_not_routed_again_and_PUBREL_gets_PUBCOMP() // [MQTT-4.3.3-2] [MQTT-4.3.3-3]
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.SubscriberAsync("s", "t", MqttQualityOfService.ExactlyOnce);
        await subscriber.SubscribeAsync("marker", packetId: 2);
        var publisher = await harness.ConnectAsync("p");

        await publisher.PublishAsync("t", "once", MqttQualityOfService.ExactlyOnce, packetId: 9);
        Assert.Equal(9, (await publisher.ReceiveAsync<PubRecPacket>()).PacketId);
        await publisher.PublishAsync("t", "once", MqttQualityOfService.ExactlyOnce, packetId: 9, dup: true);
        Assert.Equal(9, (await publisher.ReceiveAsync<PubRecPacket>()).PacketId);
        await publisher.SendAsync(new PubRelPacket { PacketId = 9 });
        Assert.Equal(9, (await publisher.ReceiveAsync<PubCompPacket>()).PacketId);
        await publisher.PublishAsync("marker", "m");

        var first = await subscriber.ReceivePublishAsync();
        Assert.Equal(("t", "once"), (first.Topic, RawClient.Text(first)));
        await subscriber.AckAsync(first);
        Assert.Equal("marker", (await subscriber.ReceiveMessageAsync()).Topic); // no second copy of "once"

        // After PUBREL the identifier is free: the same id carries a new message.
        await publisher.PublishAsync("t", "again", MqttQualityOfService.ExactlyOnce, packetId: 9);
        Assert.Equal(9, (await publisher.ReceiveAsync<PubRecPacket>()).PacketId);
        Assert.Equal("again", RawClient.Text(await subscriber.ReceiveMessageAsync()));
    }

    [Theory]
    [InlineData(MqttQualityOfService.AtMostOnce, MqttQualityOfService.ExactlyOnce, MqttQualityOfService.AtMostOnce)]
    [InlineData(MqttQualityOfService.AtLeastOnce, MqttQualityOfService.ExactlyOnce, MqttQualityOfService.AtLeastOnce)]
    [InlineData(MqttQualityOfService.ExactlyOnce, MqttQualityOfService.AtLeastOnce, MqttQualityOfService.AtLeastOnce)]
    [InlineData(MqttQualityOfService.ExactlyOnce, MqttQualityOfService.ExactlyOnce, MqttQualityOfService.ExactlyOnce)]
    [InlineData(MqttQualityOfService.ExactlyOnce, MqttQualityOfService.AtMostOnce, MqttQualityOfService.AtMostOnce)]
    public async Task Delivery_QoS_is_the_minimum_of_published_and_granted(MqttQualityOfService granted, MqttQualityOfService published, MqttQualityOfService expected) // [MQTT-3.8.4-6]
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.SubscriberAsync("s", "t", granted);
        var publisher = await harness.ConnectAsync("p");
        await publisher.PublishAsync("t", "x", published, packetId: published == MqttQualityOfService.AtMostOnce ? (ushort)0 : (ushort)1);

        var publish = await subscriber.ReceivePublishAsync();
        Assert.Equal(expected, publish.QoS);
        Assert.False(publish.Dup);
        if (expected == MqttQualityOfService.AtMostOnce)
        {
            Assert.Equal(0, publish.PacketId);
        }
        else
        {
            Assert.NotEqual(0, publish.PacketId);
        }
    }

    [Fact]
    public async Task Outbound_QoS_1_stays_in_flight_until_PUBACK() // [MQTT-4.3.2-1]
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.SubscriberAsync("s", "t", MqttQualityOfService.AtLeastOnce);
        var publisher = await harness.ConnectAsync("p");
        await publisher.PublishAckedAsync("t", "x", 1);

        var publish = await subscriber.ReceivePublishAsync();
        Assert.Equal(1, harness.Broker.GetClient("s")!.InflightMessages);
        await subscriber.SendAsync(new PubAckPacket { PacketId = publish.PacketId });
        await Eventually.TrueAsync(() => harness.Broker.GetClient("s")!.InflightMessages == 0, "PUBACK to complete the exchange");
    }

    [Fact]
    public async Task Outbound_QoS_2_PUBREC_is_answered_with_PUBREL_and_PUBCOMP_completes_it() // [MQTT-4.3.3-1]
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.SubscriberAsync("s", "t", MqttQualityOfService.ExactlyOnce);
        var publisher = await harness.ConnectAsync("p");
        await publisher.PublishAsync("t", "x", MqttQualityOfService.ExactlyOnce, 1);

        var publish = await subscriber.ReceivePublishAsync();
        Assert.Equal(MqttQualityOfService.ExactlyOnce, publish.QoS);
        await subscriber.SendAsync(new PubRecPacket { PacketId = publish.PacketId });
        Assert.Equal(publish.PacketId, (await subscriber.ReceiveAsync<PubRelPacket>()).PacketId);
        Assert.Equal(1, harness.Broker.GetClient("s")!.InflightMessages);
        await subscriber.SendAsync(new PubCompPacket { PacketId = publish.PacketId });
        await Eventually.TrueAsync(() => harness.Broker.GetClient("s")!.InflightMessages == 0, "PUBCOMP to complete the exchange");
    }

    [Theory]
    [InlineData(MqttQualityOfService.AtMostOnce)]
    [InlineData(MqttQualityOfService.AtLeastOnce)]
    [InlineData(MqttQualityOfService.ExactlyOnce)]
    public async Task Messages_on_one_topic_arrive_in_publish_order(MqttQualityOfService qos) // [MQTT-4.6.0-5] [MQTT-4.6.0-6]
    {
        const int Count = 300;
        await using var harness = new BrokerHarness(o => o.MaxInflightMessages = 7);
        var subscriber = await harness.SubscriberAsync("s", "t", qos);
        var publisher = await harness.ConnectAsync("p");

        var publishing = Task.Run(async () =>
        {
            for (var i = 0; i < Count; i++)
            {
                await publisher.PublishAsync("t", i.ToString(System.Globalization.CultureInfo.InvariantCulture), qos, qos == MqttQualityOfService.AtMostOnce ? (ushort)0 : (ushort)(i + 1));
            }
        });

        for (var i = 0; i < Count; i++)
        {
            var publish = await subscriber.ReceiveMessageAsync();
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), RawClient.Text(publish));
            await subscriber.AckAsync(publish);
        }

        await publishing;
    }

    [Fact]
    public async Task At_most_MaxInflightMessages_are_unacknowledged_and_the_rest_flow_after_PUBACK()
    {
        await using var harness = new BrokerHarness(o => o.MaxInflightMessages = 3);
        var subscriber = await harness.SubscriberAsync("s", "t", MqttQualityOfService.AtLeastOnce);
        var publisher = await harness.ConnectAsync("p");
        for (ushort i = 1; i <= 10; i++)
        {
            await publisher.PublishAckedAsync("t", $"m{i}", i); // routed when PUBACK returns
        }

        var window = new List<PublishPacket>();
        for (var i = 0; i < 3; i++)
        {
            window.Add(await subscriber.ReceivePublishAsync());
        }

        var snapshot = harness.Broker.GetClient("s")!;
        Assert.Equal((3, 7), (snapshot.InflightMessages, snapshot.QueuedMessages));
        Assert.Null(subscriber.TryReceiveNow());

        var received = window.Select(RawClient.Text).ToList();
        var outstanding = new Queue<PublishPacket>(window);
        while (received.Count < 10)
        {
            await subscriber.AckAsync(outstanding.Dequeue());
            var next = await subscriber.ReceivePublishAsync();
            received.Add(RawClient.Text(next));
            outstanding.Enqueue(next);
            Assert.True(harness.Broker.GetClient("s")!.InflightMessages <= 3);
        }

        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"m{i}"), received);
    }

    [Fact]
    public async Task Full_queue_drops_are_reported_and_never_block_the_publisher_or_other_subscribers()
    {
        var hook = new TestHook();
        await using var harness = new BrokerHarness(o => { o.MaxQueuedMessages = 5; o.MaxInflightMessages = 1; }, hook);
        var stalled = await harness.SubscriberAsync("stalled", "t", MqttQualityOfService.AtLeastOnce); // never acknowledges
        var healthy = await harness.SubscriberAsync("healthy", "t", MqttQualityOfService.AtLeastOnce);
        var publisher = await harness.ConnectAsync("p");

        for (ushort i = 1; i <= 50; i++)
        {
            await publisher.PublishAckedAsync("t", $"m{i}", i); // a blocked publisher would time out here
            var publish = await healthy.ReceivePublishAsync();
            Assert.Equal($"m{i}", RawClient.Text(publish));
            await healthy.AckAsync(publish);
        }

        // Every message was either queued for the stalled subscriber (1 in flight + 5 queued) or dropped and reported.
        await Eventually.TrueAsync(() => harness.Broker.GetClient("stalled")!.InflightMessages == 1, "the stalled subscriber's window to fill");
        var snapshot = harness.Broker.GetClient("stalled")!;
        Assert.Equal((1, 5), (snapshot.InflightMessages, snapshot.QueuedMessages));
        Assert.Equal(44, hook.Dropped.Count);
        Assert.All(hook.Dropped, d => Assert.Equal(("stalled", MqttDropReason.QueueFull), (d.ClientId, d.Reason)));
    }

    [Fact]
    public async Task Subscriber_that_stops_reading_does_not_block_the_publisher()
    {
        var hook = new TestHook();
        await using var harness = new BrokerHarness(o => o.MaxQueuedMessages = 10, hook);
        var stalled = await harness.SubscriberAsync("stalled", "t"); // never reads: its pipe fills and its write loop stalls
        var healthy = await harness.SubscriberAsync("healthy", "t");
        var publisher = await harness.ConnectAsync("p");
        var payload = new string('x', 32 * 1024);

        for (ushort i = 1; i <= 40; i++)
        {
            await publisher.PublishAckedAsync("t", payload, i);
            Assert.Equal(payload.Length, (await healthy.ReceivePublishAsync()).Payload.Length);
        }

        Assert.Contains(hook.Dropped, d => d is ("stalled", _, MqttDropReason.QueueFull));
    }
}
