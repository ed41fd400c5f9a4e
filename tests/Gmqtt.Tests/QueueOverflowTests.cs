using Gmqtt.Hooks;
using Gmqtt.Protocol;

namespace Gmqtt.Tests;

/// <summary>
/// A full session queue under each <see cref="MqttQueueOverflowPolicy"/>: which messages the drop hooks hear of and
/// which the client gets when it comes back, for every way a message reaches a queue (routed, shared, retained).
/// </summary>
public class QueueOverflowTests
{
    private const MqttQualityOfService QoS1 = MqttQualityOfService.AtLeastOnce;

    /// <summary>A broker whose queues hold <paramref name="size"/> messages, and an offline 3.1.1 session "s" subscribed to <paramref name="filter"/>.</summary>
    private static async Task<BrokerHarness> OfflineSubscriberAsync(MqttQueueOverflowPolicy policy, int size, string filter, TestHook hook)
    {
        var harness = new BrokerHarness(o => { o.MaxQueuedMessages = size; o.QueueOverflowPolicy = policy; }, hook);
        var subscriber = await harness.ConnectAsync("s", clean: false);
        Assert.Equal(MqttReasonCodes.Granted(QoS1), Assert.Single((await subscriber.SubscribeAsync(filter, QoS1)).ReasonCodes));
        Assert.Empty(await subscriber.DisconnectAsync());
        return harness;
    }

    private static Task PublishAsync(BrokerHarness harness, string topic, string payload, bool retain = false) =>
        harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = topic, Payload = System.Text.Encoding.UTF8.GetBytes(payload), QoS = QoS1, Retain = retain });

    /// <summary>Reconnects "s" and returns the payloads of the <paramref name="count"/> messages it gets, then proves there are no more.</summary>
    private static async Task<List<string>> ReconnectAndReceiveAsync(BrokerHarness harness, int count, string markerTopic)
    {
        var subscriber = harness.Open();
        Assert.True((await subscriber.ConnectAsync("s", clean: false)).SessionPresent);
        var received = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var publish = await subscriber.ReceivePublishAsync();
            received.Add(RawClient.Text(publish));
            await subscriber.AckAsync(publish);
        }

        // Queued after the rest: when it comes next, nothing else was left.
        await harness.PublishMarkerAsync(markerTopic);
        Assert.Equal("marker", RawClient.Text(await subscriber.ReceivePublishAsync()));
        return received;
    }

    /// <summary>The payloads the drop hooks heard of, in order; every drop must be of "s" for a full queue.</summary>
    private static string[] DroppedPayloads(TestHook hook)
    {
        Assert.All(hook.Dropped, d => Assert.Equal(("s", MqttDropReason.QueueFull), (d.ClientId, d.Reason)));
        return [.. hook.Dropped.Select(d => System.Text.Encoding.UTF8.GetString(d.Message.Payload.Span))];
    }

    [Theory]
    [InlineData(MqttQueueOverflowPolicy.DropNewest, "t")]
    [InlineData(MqttQueueOverflowPolicy.DropOldest, "t")]
    [InlineData(MqttQueueOverflowPolicy.DropNewest, "$share/g/t")] // a group whose only member is full: the policy decides
    [InlineData(MqttQueueOverflowPolicy.DropOldest, "$share/g/t")]
    public async Task Routed_messages_overflowing_an_offline_queue_are_dropped_by_policy_and_the_hooks_hear_of_the_dropped_ones(MqttQueueOverflowPolicy policy, string filter)
    {
        var hook = new TestHook();
        await using var harness = await OfflineSubscriberAsync(policy, size: 3, filter, hook);

        for (var i = 1; i <= 5; i++)
        {
            await PublishAsync(harness, "t", $"m{i}"); // returns after the drop hooks ran
        }

        // DropNewest refuses the messages that find the queue full; DropOldest evicts the oldest queued to make room,
        // and the hooks hear of the evicted message, not of the one that took its place.
        var (dropped, kept) = policy == MqttQueueOverflowPolicy.DropNewest
            ? (new[] { "m4", "m5" }, new[] { "m1", "m2", "m3" })
            : (["m1", "m2"], ["m3", "m4", "m5"]);
        Assert.Equal(dropped, DroppedPayloads(hook));
        Assert.Equal(kept, await ReconnectAndReceiveAsync(harness, 3, "t"));
        Assert.Equal(2L, harness.Broker.Counters.GetDrops(MqttDropReason.QueueFull));
    }
}
