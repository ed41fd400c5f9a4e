using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Tests;

public class SubscribeTests
{
    private const MqttQualityOfService Q0 = MqttQualityOfService.AtMostOnce;
    private const MqttQualityOfService Q1 = MqttQualityOfService.AtLeastOnce;
    private const MqttQualityOfService Q2 = MqttQualityOfService.ExactlyOnce;

    [Fact]
    public async Task SUBACK_has_the_same_id_and_one_code_per_filter_in_order() // [MQTT-3.8.4-1] [MQTT-3.8.4-2] [MQTT-3.8.4-5] [MQTT-3.9.3-1]
    {
        await using var harness = new BrokerHarness(o => o.MaxTopicLevels = 3);
        var client = await harness.ConnectAsync("c");
        var subAck = await client.SubscribeAsync(777, ("a", Q2), ("b/+", Q0), ("x/y/z/w", Q1), ("c/#", Q1));
        Assert.Equal(777, subAck.PacketId);
        Assert.Equal([MqttReasonCode.GrantedQoS2, MqttReasonCode.Success, MqttReasonCode.UnspecifiedError, MqttReasonCode.GrantedQoS1], subAck.ReasonCodes);
    }

    [Theory]
    [InlineData("sport/tennis/+", "sport/tennis/player1", true)]
    [InlineData("sport/tennis/+", "sport/tennis/player1/ranking", false)]
    [InlineData("sport/+/player1", "sport/tennis/player1", true)]
    [InlineData("sport/#", "sport", true)] // [MQTT-4.7.1-2]: '#' includes the parent level
    [InlineData("sport/#", "sport/tennis/player1", true)]
    [InlineData("#", "anything/at/all", true)]
    [InlineData("+/+", "/finance", true)]
    [InlineData("+", "/finance", false)]
    [InlineData("#", "$SYS/uptime", false)] // [MQTT-4.7.2-1]
    [InlineData("+/uptime", "$SYS/uptime", false)] // [MQTT-4.7.2-1]
    [InlineData("$SYS/#", "$SYS/uptime", true)]
    [InlineData("$SYS/+", "$SYS/uptime", true)]
    public async Task Wildcard_matching(string filter, string topic, bool matches)
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("s");
        await subscriber.SubscribeAsync(1, (filter, Q0), ("marker", Q0));
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = topic, Payload = "x"u8.ToArray() });
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "marker" });

        var first = await subscriber.ReceivePublishAsync();
        Assert.Equal(matches ? topic : "marker", first.Topic);
    }

    [Fact]
    public async Task Overlapping_subscriptions_deliver_one_copy_at_the_highest_QoS_by_default() // [MQTT-3.3.5-1]
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("s");
        await subscriber.SubscribeAsync(1, ("a/+", Q1), ("a/#", Q2), ("a/b", Q0), ("marker", Q0));
        var publisher = await harness.ConnectAsync("p");
        await publisher.PublishAsync("a/b", "x", Q2, 1);
        await publisher.ReceiveAsync<PubRecPacket>();
        await publisher.PublishAsync("marker", "m");

        var copy = await subscriber.ReceivePublishAsync();
        Assert.Equal(("a/b", Q2), (copy.Topic, copy.QoS));
        await subscriber.AckAsync(copy);
        Assert.Equal("marker", (await subscriber.ReceiveMessageAsync()).Topic);
    }

    [Fact]
    public async Task Overlapping_subscriptions_deliver_one_copy_each_when_configured() // [MQTT-3.3.5-1]
    {
        await using var harness = new BrokerHarness(o => o.DeliverOverlappingSubscriptionsOnce = false);
        var subscriber = await harness.ConnectAsync("s");
        await subscriber.SubscribeAsync(1, ("a/+", Q1), ("a/#", Q2), ("a/b", Q0), ("marker", Q0));
        var publisher = await harness.ConnectAsync("p");
        await publisher.PublishAsync("a/b", "x", Q2, 1);
        await publisher.ReceiveAsync<PubRecPacket>();
        await publisher.PublishAsync("marker", "m");

        var copies = new List<MqttQualityOfService>();
        for (var i = 0; i < 3; i++)
        {
            var copy = await subscriber.ReceiveMessageAsync();
            Assert.Equal("a/b", copy.Topic);
            copies.Add(copy.QoS);
            await subscriber.AckAsync(copy);
        }

        Assert.Equal([Q0, Q1, Q2], copies.Order());
        Assert.Equal("marker", (await subscriber.ReceiveMessageAsync()).Topic);
    }

    [Fact]
    public async Task Re_subscribing_replaces_the_QoS() // [MQTT-3.8.4-3]
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("s");
        await subscriber.SubscribeAsync("t", Q0);
        await subscriber.SubscribeAsync("t", Q1, packetId: 2);
        Assert.Equal(Q1, Assert.Single(harness.Broker.GetClient("s")!.Subscriptions).MaximumQoS);
        Assert.Equal(1, harness.Broker.SubscriptionCount);

        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "t", QoS = Q2 });
        Assert.Equal(Q1, (await subscriber.ReceivePublishAsync()).QoS);
    }

    [Fact]
    public async Task UNSUBACK_is_sent_with_the_same_id_even_when_nothing_matched() // [MQTT-3.10.4-4] [MQTT-3.10.4-5]
    {
        await using var harness = new BrokerHarness();
        var client = await harness.ConnectAsync("c");
        await client.SendAsync(new UnsubscribePacket { PacketId = 31, Filters = ["never/subscribed", "a/#"] });
        Assert.Equal(31, (await client.ReceiveAsync<UnsubAckPacket>()).PacketId);
    }

    [Fact]
    public async Task Nothing_arrives_after_unsubscribe() // [MQTT-3.10.4-1]
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("s");
        await subscriber.SubscribeAsync(1, ("t/#", Q1), ("marker", Q0));
        await subscriber.SendAsync(new UnsubscribePacket { PacketId = 2, Filters = ["t/#"] });
        Assert.Equal(2, (await subscriber.ReceiveAsync<UnsubAckPacket>()).PacketId);

        var publisher = await harness.ConnectAsync("p");
        await publisher.PublishAckedAsync("t/1", "x", 1);
        await publisher.PublishAsync("marker", "m");
        Assert.Equal("marker", (await subscriber.ReceivePublishAsync()).Topic);
        Assert.Single(harness.Broker.GetClient("s")!.Subscriptions);
    }

    [Fact]
    public async Task Subscriptions_beyond_MaxSubscriptionsPerClient_get_0x80()
    {
        await using var harness = new BrokerHarness(o => o.MaxSubscriptionsPerClient = 2);
        var client = await harness.ConnectAsync("c");
        var subAck = await client.SubscribeAsync(1, ("a", Q1), ("b", Q1), ("c", Q1), ("a", Q2));
        // A re-subscription to an existing filter is a replacement, not a new subscription.
        Assert.Equal([MqttReasonCode.GrantedQoS1, MqttReasonCode.GrantedQoS1, MqttReasonCode.UnspecifiedError, MqttReasonCode.GrantedQoS2], subAck.ReasonCodes);
        Assert.Equal(["a", "b"], harness.Broker.GetClient("c")!.Subscriptions.Select(s => s.Filter).Order());
    }

    [Fact]
    public async Task Subscribe_hook_can_downgrade_and_reject_per_filter()
    {
        var hook = new TestHook
        {
            Subscribe = c =>
            {
                if (c.Filter.Filter.StartsWith("secret", StringComparison.Ordinal))
                {
                    c.ReasonCode = MqttReasonCode.NotAuthorized;
                }
                else if (c.Filter.Filter == "cheap")
                {
                    c.GrantedQoS = Q0;
                }
            },
        };
        await using var harness = new BrokerHarness(null, hook);
        var subscriber = await harness.ConnectAsync("s");
        var subAck = await subscriber.SubscribeAsync(1, ("cheap", Q2), ("secret/#", Q1), ("open", Q1));
        Assert.Equal([MqttReasonCode.Success, MqttReasonCode.UnspecifiedError, MqttReasonCode.GrantedQoS1], subAck.ReasonCodes); // 0x80 in v3

        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "secret/x", QoS = Q1 });
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "cheap", QoS = Q2 });
        var cheap = await subscriber.ReceivePublishAsync();
        Assert.Equal(("cheap", Q0), (cheap.Topic, cheap.QoS));
    }
}
