using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Tests;

public class RetainedTests
{
    [Fact]
    public async Task Retained_message_is_sent_to_a_new_subscriber_with_RETAIN_1() // [MQTT-3.3.1-6]
    {
        await using var harness = new BrokerHarness();
        var publisher = await harness.ConnectAsync("p");
        await publisher.PublishAckedAsync("status", "on", 1, retain: true);

        var subscriber = await harness.ConnectAsync("s");
        var subAck = await subscriber.SubscribeAsync("status", MqttQualityOfService.AtLeastOnce);
        Assert.Equal(MqttReasonCode.GrantedQoS1, Assert.Single(subAck.ReasonCodes)); // SUBACK comes first
        var retained = await subscriber.ReceivePublishAsync();
        Assert.Equal(("status", "on", true, MqttQualityOfService.AtLeastOnce), (retained.Topic, RawClient.Text(retained), retained.Retain, retained.QoS));
    }

    [Fact]
    public async Task Retained_message_is_forwarded_to_existing_subscribers_with_RETAIN_0() // [MQTT-3.3.1-9]
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.SubscriberAsync("s", "status");
        var publisher = await harness.ConnectAsync("p");
        await publisher.PublishAsync("status", "on", retain: true);
        var forwarded = await subscriber.ReceivePublishAsync();
        Assert.Equal("on", RawClient.Text(forwarded));
        Assert.False(forwarded.Retain);
    }

    [Fact]
    public async Task Only_the_last_retained_message_per_topic_is_kept() // [MQTT-3.3.1-5]
    {
        await using var harness = new BrokerHarness();
        var publisher = await harness.ConnectAsync("p");
        await publisher.PublishAckedAsync("a", "1", 1, retain: true);
        await publisher.PublishAckedAsync("a", "2", 2, retain: true);
        await publisher.PublishAckedAsync("b", "x", 3, retain: true);

        var subscriber = await harness.ConnectAsync("s");
        await subscriber.SubscribeAsync(1, ("a", MqttQualityOfService.AtLeastOnce), ("marker", MqttQualityOfService.AtMostOnce));
        await publisher.PublishAsync("marker", "m");
        Assert.Equal("2", RawClient.Text(await subscriber.ReceivePublishAsync()));
        Assert.Equal("marker", (await subscriber.ReceivePublishAsync()).Topic);
        Assert.Equal(2, harness.Broker.RetainedMessages.Count);
    }

    [Fact]
    public async Task Zero_length_retained_publish_clears_the_retained_message_and_is_not_stored() // [MQTT-3.3.1-10] [MQTT-3.3.1-11]
    {
        await using var harness = new BrokerHarness();
        var existing = await harness.SubscriberAsync("existing", "a");
        var publisher = await harness.ConnectAsync("p");
        await publisher.PublishAckedAsync("a", "1", 1, retain: true);
        await publisher.PublishAckedAsync("a", "", 2, retain: true);
        Assert.Null(harness.Broker.RetainedMessages.Get("a"));

        // The clearing message is still delivered normally to current subscribers.
        Assert.Equal("1", RawClient.Text(await existing.ReceivePublishAsync()));
        Assert.Equal(0, (await existing.ReceivePublishAsync()).Payload.Length);

        var subscriber = await harness.ConnectAsync("s");
        await subscriber.SubscribeAsync(1, ("a", MqttQualityOfService.AtLeastOnce), ("marker", MqttQualityOfService.AtMostOnce));
        await publisher.PublishAsync("marker", "m");
        Assert.Equal("marker", (await subscriber.ReceivePublishAsync()).Topic);
    }

    [Fact]
    public async Task Re_subscribing_sends_the_retained_messages_again() // [MQTT-3.8.4-3]
    {
        await using var harness = new BrokerHarness();
        var publisher = await harness.ConnectAsync("p");
        await publisher.PublishAckedAsync("a/1", "one", 1, retain: true);

        var subscriber = await harness.ConnectAsync("s");
        await subscriber.SubscribeAsync("a/+");
        Assert.True((await subscriber.ReceivePublishAsync()).Retain);
        await subscriber.SubscribeAsync("a/+", MqttQualityOfService.AtLeastOnce, packetId: 2);
        var again = await subscriber.ReceivePublishAsync();
        Assert.Equal(("a/1", true, MqttQualityOfService.AtLeastOnce), (again.Topic, again.Retain, again.QoS));
    }

    [Fact]
    public async Task Publish_refused_by_the_publish_hook_is_not_retained()
    {
        var hook = new TestHook { Publish = c => c.ReasonCode = c.Message.Topic == "forbidden" ? MqttReasonCode.NotAuthorized : null };
        await using var harness = new BrokerHarness(null, hook);
        var publisher = await harness.ConnectAsync("p");
        await publisher.PublishAckedAsync("forbidden", "x", 1, retain: true); // still acknowledged so the client does not retry
        await publisher.PublishAckedAsync("allowed", "y", 2, retain: true);

        Assert.Null(harness.Broker.RetainedMessages.Get("forbidden"));
        Assert.NotNull(harness.Broker.RetainedMessages.Get("allowed"));
        var subscriber = await harness.ConnectAsync("s");
        await subscriber.SubscribeAsync("#");
        Assert.Equal("allowed", (await subscriber.ReceivePublishAsync()).Topic);
        Assert.Null(subscriber.TryReceiveNow());
    }

    [Fact]
    public async Task Server_side_publish_with_retain_is_retained()
    {
        await using var harness = new BrokerHarness();
        Assert.Equal(MqttReasonCode.NoMatchingSubscribers, await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "cfg", Payload = "v1"u8.ToArray(), QoS = MqttQualityOfService.AtLeastOnce, Retain = true }));
        var subscriber = await harness.ConnectAsync("s");
        await subscriber.SubscribeAsync("cfg", MqttQualityOfService.ExactlyOnce);
        var retained = await subscriber.ReceivePublishAsync();
        Assert.Equal(("v1", true, MqttQualityOfService.AtLeastOnce), (RawClient.Text(retained), retained.Retain, retained.QoS));
    }
}
