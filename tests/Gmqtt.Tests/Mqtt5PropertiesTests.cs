using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Tests;

/// <summary>Application message properties forwarded by the broker (section 3.3.2.3), across protocol versions.</summary>
public class Mqtt5PropertiesTests
{
    private static readonly byte[] Correlation = [0, 1, 2, 0xFE, 0xFF];

    private static MqttProperties Rich() => new MqttProperties
    {
        PayloadFormatIndicator = 1,
        ContentType = "application/json",
        ResponseTopic = "replies/p",
        CorrelationData = Correlation,
    }.AddUserProperty("k", "1").AddUserProperty("a", "x").AddUserProperty("k", "2").AddUserProperty("k", "1");

    private static void AssertRich(MqttProperties? p)
    {
        Assert.NotNull(p);
        Assert.Equal((byte)1, p.PayloadFormatIndicator);
        Assert.Equal("application/json", p.ContentType);
        Assert.Equal("replies/p", p.ResponseTopic);
        Assert.Equal(Correlation, p.CorrelationData!.Value.ToArray());
        // Same names, same values, same order, repeats kept [MQTT-3.3.2-17] [MQTT-3.3.2-18].
        Assert.Equal([new("k", "1"), new("a", "x"), new("k", "2"), new("k", "1")], p.UserProperties!);
    }

    [Theory]
    [InlineData(false, false)] // shared properties forwarded as they are
    [InlineData(true, false)] // copied to add the subscription identifier
    [InlineData(false, true)] // copied to lower the message expiry
    public async Task Properties_reach_an_MQTT_5_subscriber_unchanged_and_in_order(bool subscriptionId, bool queued) // [MQTT-3.3.2-15] [MQTT-3.3.2-17] [MQTT-3.3.2-20] section 3.3.2.3.2
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.Subscriber5Async("s", "t", MqttQualityOfService.AtLeastOnce, subscriptionId: subscriptionId ? 3u : null);
        var publisher = await harness.Connect5Async("p");
        var properties = Rich();
        if (queued)
        {
            properties.MessageExpiryInterval = 100;
        }

        await publisher.PublishAsync("t", "{}"u8.ToArray(), properties, MqttQualityOfService.AtLeastOnce, 1);
        await publisher.ReceiveAsync<PubAckPacket>();

        var publish = await subscriber.ReceivePublishAsync();
        Assert.Equal("{}", RawClient.Text(publish));
        AssertRich(publish.Properties);
        Assert.Equal(subscriptionId ? [3u] : null, publish.Properties!.SubscriptionIdentifiers);
        Assert.Equal(queued ? 100u : null, publish.Properties.MessageExpiryInterval);
    }

    [Fact]
    public async Task Per_delivery_properties_of_one_message_never_reach_the_next() // [MQTT-3.3.2-15]: the writer refills one properties object per connection
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.Subscriber5Async("s", "t", MqttQualityOfService.AtLeastOnce, subscriptionId: 3);
        var rich = Rich();
        rich.MessageExpiryInterval = 100;
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "t", Payload = "{}"u8.ToArray(), QoS = MqttQualityOfService.AtLeastOnce, Properties = rich });
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "t", Payload = "plain"u8.ToArray(), QoS = MqttQualityOfService.AtLeastOnce });

        var first = await subscriber.ReceivePublishAsync();
        AssertRich(first.Properties);
        Assert.Equal(100u, first.Properties!.MessageExpiryInterval);
        var second = await subscriber.ReceivePublishAsync();
        Assert.Equal("plain", RawClient.Text(second));
        Assert.Equal([3u], second.Properties!.SubscriptionIdentifiers!);
        Assert.Equivalent(new MqttProperties { SubscriptionIdentifiers = [3] }, second.Properties, strict: true);
    }

    [Fact]
    public async Task Properties_reach_a_persistent_MQTT_5_subscriber_after_it_reconnects()
    {
        await using var harness = new BrokerHarness();
        var expiry = new MqttProperties { SessionExpiryInterval = 600 };
        var subscriber = await harness.Subscriber5Async("s", "t", MqttQualityOfService.AtLeastOnce, expiry, cleanStart: false);
        Assert.Empty(await subscriber.DisconnectAsync());

        var publisher = await harness.Connect5Async("p");
        await publisher.PublishAsync("t", "{}"u8.ToArray(), Rich(), MqttQualityOfService.AtLeastOnce, 1);
        await publisher.ReceiveAsync<PubAckPacket>();

        subscriber = harness.Open();
        Assert.True((await subscriber.Connect5Async("s", cleanStart: false, expiry)).SessionPresent);
        AssertRich((await subscriber.ReceivePublishAsync()).Properties);
    }

    [Fact]
    public async Task MQTT_5_publish_reaches_an_MQTT_3_1_1_subscriber_without_properties() // 3.1.1 has none: the PUBLISH must still parse byte for byte
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.SubscriberAsync("v3", "t", MqttQualityOfService.AtLeastOnce);
        var publisher = await harness.Connect5Async("p");
        var properties = Rich();
        properties.MessageExpiryInterval = 100;
        await publisher.PublishAsync("t", "payload"u8.ToArray(), properties, MqttQualityOfService.AtLeastOnce, 1);
        await publisher.ReceiveAsync<PubAckPacket>();

        var publish = await subscriber.ReceivePublishAsync();
        Assert.Equal(("t", "payload", MqttQualityOfService.AtLeastOnce), (publish.Topic, RawClient.Text(publish), publish.QoS));
        Assert.Null(publish.Properties);
    }

    [Fact]
    public async Task MQTT_5_publish_reaches_an_MQTT_3_1_1_subscriber_exactly_on_the_wire()
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.SubscriberAsync("v3", "t");
        var publisher = await harness.Connect5Async("p");
        await publisher.PublishAsync("t", "ab"u8.ToArray(), Rich());
        await publisher.PingAsync();

        // 3.1.1 QoS 0 PUBLISH: header, remaining length 5, topic "t", payload "ab" — no property length byte.
        Assert.Equal(new byte[] { 0x30, 0x05, 0x00, 0x01, (byte)'t', (byte)'a', (byte)'b' }, await subscriber.ReceiveBytesAsync(7));
    }

    [Fact]
    public async Task MQTT_3_1_1_publish_reaches_an_MQTT_5_subscriber()
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.Subscriber5Async("v5", "t", MqttQualityOfService.AtLeastOnce);
        var publisher = await harness.ConnectAsync("p");
        await publisher.PublishAckedAsync("t", "from 3.1.1", 1);

        var publish = await subscriber.ReceivePublishAsync();
        Assert.Equal(("t", "from 3.1.1", MqttQualityOfService.AtLeastOnce), (publish.Topic, RawClient.Text(publish), publish.QoS));
        Assert.True(publish.Properties is null || (publish.Properties.UserProperties is null && publish.Properties.ContentType is null && publish.Properties.MessageExpiryInterval is null));
    }
}
