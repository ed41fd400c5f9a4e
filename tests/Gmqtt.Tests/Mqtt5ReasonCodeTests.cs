using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Tests;

/// <summary>MQTT 5.0 reason codes in acknowledgments (sections 3.4.2.1, 3.5.2.1, 3.11.3).</summary>
public class Mqtt5ReasonCodeTests
{
    [Fact]
    public async Task PUBACK_and_PUBREC_say_0x10_when_nobody_is_subscribed() // section 3.4.2.1
    {
        await using var harness = new BrokerHarness();
        var publisher = await harness.Connect5Async("p");

        await publisher.PublishAsync("nobody", "x"u8.ToArray(), null, MqttQualityOfService.AtLeastOnce, 1);
        Assert.Equal(MqttReasonCode.NoMatchingSubscribers, (await publisher.ReceiveAsync<PubAckPacket>()).ReasonCode);
        await publisher.PublishAsync("nobody", "x"u8.ToArray(), null, MqttQualityOfService.ExactlyOnce, 2);
        Assert.Equal(MqttReasonCode.NoMatchingSubscribers, (await publisher.ReceiveAsync<PubRecPacket>()).ReasonCode);

        // 0x10 is a success: the QoS 2 exchange goes on to PUBCOMP.
        await publisher.SendAsync(new PubRelPacket { PacketId = 2 });
        Assert.Equal(MqttReasonCode.Success, (await publisher.ReceiveAsync<PubCompPacket>()).ReasonCode);

        await harness.Subscriber5Async("s", "somebody");
        await publisher.PublishAsync("somebody", "x"u8.ToArray(), null, MqttQualityOfService.AtLeastOnce, 3);
        Assert.Equal(MqttReasonCode.Success, (await publisher.ReceiveAsync<PubAckPacket>()).ReasonCode);
    }

    [Fact]
    public async Task PUBACK_says_0x87_when_the_publish_hook_refuses_and_the_message_goes_nowhere() // section 3.4.2.1
    {
        var hook = new TestHook { Publish = c => c.ReasonCode = c.Message.Topic == "secret" ? MqttReasonCode.NotAuthorized : null };
        await using var harness = new BrokerHarness(null, hook);
        var subscriber = await harness.Connect5Async("s");
        await subscriber.SubscribeAsync(1, ("secret", MqttQualityOfService.AtMostOnce), ("marker", MqttQualityOfService.AtMostOnce));
        var publisher = await harness.Connect5Async("p");

        await publisher.PublishAsync("secret", "x"u8.ToArray(), null, MqttQualityOfService.AtLeastOnce, 1);
        Assert.Equal(MqttReasonCode.NotAuthorized, (await publisher.ReceiveAsync<PubAckPacket>()).ReasonCode);
        await publisher.PublishAsync("secret", "x"u8.ToArray(), null, MqttQualityOfService.ExactlyOnce, 2);
        Assert.Equal(MqttReasonCode.NotAuthorized, (await publisher.ReceiveAsync<PubRecPacket>()).ReasonCode);

        await harness.PublishMarkerAsync();
        Assert.Equal("marker", (await subscriber.ReceivePublishAsync()).Topic);
    }

    [Fact]
    public async Task UNSUBACK_says_0x11_for_a_filter_with_no_subscription_and_0x00_for_one_removed() // section 3.11.3 [MQTT-3.11.3-1]
    {
        await using var harness = new BrokerHarness();
        var client = await harness.Subscriber5Async("c", "a/b");
        await client.SendAsync(new UnsubscribePacket { PacketId = 5, Filters = ["x/y", "a/b", "a/b"] });

        var unsubAck = await client.ReceiveAsync<UnsubAckPacket>();
        Assert.Equal(5, unsubAck.PacketId);
        Assert.Equal([MqttReasonCode.NoSubscriptionExisted, MqttReasonCode.Success, MqttReasonCode.NoSubscriptionExisted], unsubAck.ReasonCodes);
    }
}
