using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Tests;

/// <summary>MQTT 5.0 Message Expiry Interval (section 3.3.2.3.3).</summary>
public class Mqtt5MessageExpiryTests
{
    private static MqttProperties MessageExpiry(uint seconds) => new() { MessageExpiryInterval = seconds };

    /// <summary>An offline MQTT 5.0 session subscribed to "t" at QoS 1, kept for an hour.</summary>
    private static async Task LeaveSubscriberAsync(BrokerHarness harness)
    {
        var subscriber = await harness.Subscriber5Async("s", "t", MqttQualityOfService.AtLeastOnce, new MqttProperties { SessionExpiryInterval = 3600 }, cleanStart: false);
        Assert.Empty(await subscriber.DisconnectAsync());
    }

    private static async Task PublishAckedAsync(RawClient publisher, string payload, MqttProperties? properties, ushort packetId)
    {
        await publisher.PublishAsync("t", System.Text.Encoding.UTF8.GetBytes(payload), properties, MqttQualityOfService.AtLeastOnce, packetId);
        Assert.Equal(MqttReasonCode.Success, (await publisher.ReceiveAsync<PubAckPacket>()).ReasonCode);
    }

    private static async Task<RawClient> ReconnectSubscriberAsync(BrokerHarness harness)
    {
        var subscriber = harness.Open();
        Assert.True((await subscriber.Connect5Async("s", cleanStart: false, new MqttProperties { SessionExpiryInterval = 3600 })).SessionPresent);
        return subscriber;
    }

    [Fact]
    public async Task Queued_message_whose_expiry_passed_is_not_delivered_and_is_reported_as_expired() // [MQTT-3.3.2-5]
    {
        var hook = new TestHook();
        await using var harness = new BrokerHarness(null, hook);
        await LeaveSubscriberAsync(harness);
        var publisher = await harness.Connect5Async("p");
        await PublishAckedAsync(publisher, "short-lived", MessageExpiry(5), 1);
        await PublishAckedAsync(publisher, "durable", null, 2);
        Assert.Equal(2, harness.Broker.GetClient("s")!.QueuedMessages);

        harness.Time.Advance(TimeSpan.FromSeconds(10));
        var subscriber = await ReconnectSubscriberAsync(harness);

        var first = await subscriber.ReceivePublishAsync();
        Assert.Equal("durable", RawClient.Text(first));
        await Eventually.TrueAsync(() => hook.Dropped.Any(d => d is ("s", _, MqttDropReason.Expired)), "the expired message to be reported");
        Assert.Equal("short-lived"u8.ToArray(), hook.Dropped.Single(d => d.Reason == MqttDropReason.Expired).Message.Payload.ToArray());
    }

    [Fact]
    public async Task Queued_message_is_delivered_with_its_expiry_minus_the_time_it_waited() // [MQTT-3.3.2-6]
    {
        await using var harness = new BrokerHarness();
        await LeaveSubscriberAsync(harness);
        var publisher = await harness.Connect5Async("p");
        await PublishAckedAsync(publisher, "m", MessageExpiry(60), 1);

        harness.Time.Advance(TimeSpan.FromSeconds(10));
        var subscriber = await ReconnectSubscriberAsync(harness);

        var publish = await subscriber.ReceivePublishAsync();
        Assert.Equal("m", RawClient.Text(publish));
        Assert.InRange(publish.Properties!.MessageExpiryInterval!.Value, 49u, 51u);
    }

    [Fact]
    public async Task Message_delivered_at_once_keeps_its_expiry_interval() // [MQTT-3.3.2-6]: nothing waited, nothing subtracted
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.Subscriber5Async("s", "t", MqttQualityOfService.AtLeastOnce);
        var publisher = await harness.Connect5Async("p");
        await PublishAckedAsync(publisher, "m", MessageExpiry(60), 1);

        Assert.Equal(60u, (await subscriber.ReceivePublishAsync()).Properties!.MessageExpiryInterval);
    }

    /// <summary>
    /// Retains a message on "t" with a Message Expiry Interval: published by a client, or set through the retained
    /// store's API (<see cref="MqttBroker.RetainedMessages"/>), which starts its expiry when it is set.
    /// </summary>
    private static async Task RetainAsync(BrokerHarness harness, string payload, uint expiry, bool throughStore)
    {
        if (throughStore)
        {
            harness.Broker.RetainedMessages.Set(new MqttApplicationMessage { Topic = "t", Payload = System.Text.Encoding.UTF8.GetBytes(payload), Retain = true, Properties = MessageExpiry(expiry) });
            return;
        }

        var publisher = await harness.Connect5Async("p");
        await publisher.PublishAsync("t", System.Text.Encoding.UTF8.GetBytes(payload), MessageExpiry(expiry), MqttQualityOfService.AtLeastOnce, 1, retain: true);
        await publisher.ReceiveAsync<PubAckPacket>();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Retained_message_is_not_sent_on_subscribe_after_its_expiry(bool throughStore) // section 3.3.2.3.3
    {
        await using var harness = new BrokerHarness();
        await RetainAsync(harness, "old", 60, throughStore);

        harness.Time.Advance(TimeSpan.FromSeconds(61));
        var subscriber = await harness.Subscriber5Async("s", "t");
        await harness.PublishMarkerAsync("t");
        var next = await subscriber.ReceivePublishAsync();
        Assert.Equal(("marker", false), (RawClient.Text(next), next.Retain));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Retained_message_sent_on_subscribe_carries_the_expiry_it_has_left(bool throughStore) // [MQTT-3.3.2-6]
    {
        await using var harness = new BrokerHarness();
        var retainedAt = harness.Time.GetUtcNow();
        await RetainAsync(harness, "kept", 60, throughStore);
        // An absolute time, which a durable store can keep across a restart.
        Assert.Equal(retainedAt.AddSeconds(60), harness.Broker.RetainedMessages.Get("t")!.ExpiresAt);

        harness.Time.Advance(TimeSpan.FromSeconds(10));
        var subscriber = await harness.Subscriber5Async("s", "t");
        var retained = await subscriber.ReceivePublishAsync();
        Assert.Equal(("kept", true), (RawClient.Text(retained), retained.Retain));
        Assert.InRange(retained.Properties!.MessageExpiryInterval!.Value, 49u, 51u);
    }
}
