using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Tests;

/// <summary>MQTT 5.0 Subscription Identifiers on deliveries (section 3.3.2.3.8, 3.8.2.1.2).</summary>
public class Mqtt5SubscriptionIdentifierTests
{
    [Fact]
    public async Task Delivery_carries_the_identifier_of_the_matching_subscription() // [MQTT-3.3.4-3]
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.Subscriber5Async("s", "t/#", subscriptionId: 7);
        var plain = await harness.Subscriber5Async("plain", "t/#");
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "t/1", Payload = "m"u8.ToArray() });

        Assert.Equal([7u], (await subscriber.ReceivePublishAsync()).Properties?.SubscriptionIdentifiers!);
        Assert.Null((await plain.ReceivePublishAsync()).Properties?.SubscriptionIdentifiers);
    }

    [Fact]
    public async Task Overlapping_subscriptions_give_one_PUBLISH_carrying_every_identifier() // [MQTT-3.3.4-4] [MQTT-3.3.4-5]
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.Subscriber5Async("s", "t/#", subscriptionId: 7);
        await subscriber.Subscribe5Async("t/+", subscriptionId: 9, packetId: 2);
        await subscriber.Subscribe5Async("marker", packetId: 3);
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "t/1", Payload = "m"u8.ToArray() });
        await harness.PublishMarkerAsync();

        var publish = await subscriber.ReceivePublishAsync();
        Assert.Equal([7u, 9u], publish.Properties!.SubscriptionIdentifiers!.Order());
        Assert.Equal("marker", (await subscriber.ReceivePublishAsync()).Topic); // and no second copy
    }

    [Fact]
    public async Task Merging_identifiers_for_one_message_never_changes_what_later_messages_carry() // [MQTT-3.3.4-3] [MQTT-3.3.4-4]
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.Subscriber5Async("s", "t/#", subscriptionId: 7);
        await subscriber.Subscribe5Async("t/+", subscriptionId: 9, packetId: 2);
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "t/1", Payload = "both"u8.ToArray() });
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "t/1", Payload = "both again"u8.ToArray() });
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "t/1/deeper", Payload = "one"u8.ToArray() });

        Assert.Equal([7u, 9u], (await subscriber.ReceivePublishAsync()).Properties!.SubscriptionIdentifiers!.Order());
        Assert.Equal([7u, 9u], (await subscriber.ReceivePublishAsync()).Properties!.SubscriptionIdentifiers!.Order());
        Assert.Equal([7u], (await subscriber.ReceivePublishAsync()).Properties!.SubscriptionIdentifiers!);
    }

    [Fact]
    public async Task Overlapping_subscriptions_delivered_separately_each_carry_their_own_identifier() // [MQTT-3.3.4-5]
    {
        await using var harness = new BrokerHarness(o => o.DeliverOverlappingSubscriptionsOnce = false);
        var subscriber = await harness.Subscriber5Async("s", "t/#", subscriptionId: 7);
        await subscriber.Subscribe5Async("t/+", subscriptionId: 9, packetId: 2);
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "t/1", Payload = "m"u8.ToArray() });

        var ids = new[] { await subscriber.ReceivePublishAsync(), await subscriber.ReceivePublishAsync() }
            .Select(p => Assert.Single(p.Properties!.SubscriptionIdentifiers!)).Order();
        Assert.Equal([7u, 9u], ids);
    }

    [Fact]
    public async Task Overlapping_subscriptions_with_and_without_an_identifier_give_the_one_identifier() // [MQTT-3.3.4-4]
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.Subscriber5Async("s", "t/#");
        await subscriber.Subscribe5Async("t/+", subscriptionId: 9, packetId: 2);
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "t/1", Payload = "m"u8.ToArray() });

        Assert.Equal([9u], (await subscriber.ReceivePublishAsync()).Properties?.SubscriptionIdentifiers!);
    }

    [Fact]
    public async Task Retained_messages_sent_on_subscribe_carry_the_identifier() // [MQTT-3.3.4-3] section 3.3.1.3
    {
        await using var harness = new BrokerHarness();
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "t/1", Payload = "kept"u8.ToArray(), Retain = true });
        var subscriber = await harness.Connect5Async("s");
        await subscriber.Subscribe5Async("t/#", subscriptionId: 42);

        var retained = await subscriber.ReceivePublishAsync();
        Assert.Equal(("kept", true), (RawClient.Text(retained), retained.Retain));
        Assert.Equal([42u], retained.Properties?.SubscriptionIdentifiers!);
    }

    [Fact]
    public async Task Resubscribing_without_an_identifier_removes_it() // section 3.8.2.1.2: the identifier is part of the subscription and is replaced with it
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.Subscriber5Async("s", "t", subscriptionId: 7);
        await subscriber.Subscribe5Async("t", packetId: 2);
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "t", Payload = "m"u8.ToArray() });

        Assert.Null((await subscriber.ReceivePublishAsync()).Properties?.SubscriptionIdentifiers);
    }
}
