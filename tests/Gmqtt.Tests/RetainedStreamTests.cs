using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Tests;

/// <summary>
/// Retained messages sent on subscribe are a stream the subscriber takes as its window and link allow, owned by
/// the session: the queue limits do not apply to them and a persistent session resumes them after a reconnect.
/// </summary>
public class RetainedStreamTests
{
    /// <summary>A hundred times the default <see cref="MqttBrokerOptions.MaxQueuedMessages"/>.</summary>
    private const int Many = 100_000;

    [Fact]
    public async Task A_new_subscriber_receives_every_retained_message_at_QoS_0_far_beyond_the_queue_limit()
    {
        await using var harness = new BrokerHarness();
        SetRetained(harness, Many, MqttQualityOfService.AtMostOnce);

        var subscriber = await harness.SubscriberAsync("s", "#");
        var topics = new HashSet<string>();
        for (var i = 0; i < Many; i++)
        {
            var publish = await subscriber.ReceivePublishAsync();
            if (!publish.Retain || !topics.Add(publish.Topic))
            {
                Assert.Fail($"Message {i} ({publish.Topic}): RETAIN {publish.Retain}, or received twice.");
            }
        }

        // Nothing more was owed: the next message is a new one.
        await harness.PublishMarkerAsync();
        Assert.Equal("marker", (await subscriber.ReceivePublishAsync()).Topic);
        Assert.Equal(0L, harness.Broker.GetStatistics().MessagesDropped);
        Assert.Equal(Many + 1L, harness.Broker.GetClient("s")!.MessagesSent); // Counted as sent, as routed messages are.
    }

    [Fact]
    public async Task A_new_subscriber_receives_every_retained_message_at_QoS_1_through_its_in_flight_window()
    {
        await using var harness = new BrokerHarness();
        SetRetained(harness, Many, MqttQualityOfService.AtLeastOnce);

        var subscriber = await harness.SubscriberAsync("s", "#", MqttQualityOfService.AtLeastOnce);
        var topics = new HashSet<string>();
        for (var i = 0; i < Many; i++)
        {
            var publish = await subscriber.ReceivePublishAsync();
            if (!publish.Retain || publish.QoS != MqttQualityOfService.AtLeastOnce || publish.Dup || !topics.Add(publish.Topic))
            {
                Assert.Fail($"Message {i} ({publish.Topic}): RETAIN {publish.Retain}, QoS {publish.QoS}, DUP {publish.Dup}, or received twice.");
            }

            await subscriber.AckAsync(publish);
        }

        await subscriber.PingAsync(); // The acknowledgments before it are handled.
        await harness.PublishMarkerAsync();
        Assert.Equal("marker", (await subscriber.ReceivePublishAsync()).Topic);
        Assert.Equal(0L, harness.Broker.GetStatistics().MessagesDropped);
        var snapshot = harness.Broker.GetClient("s")!;
        Assert.Equal((0, 0), (snapshot.PendingRetainedMessages, snapshot.InflightMessages));
    }

    [Fact]
    public async Task A_routed_message_does_not_wait_for_a_large_retained_stream_to_finish()
    {
        const int count = 50_000;
        await using var harness = new BrokerHarness();
        SetRetained(harness, count, MqttQualityOfService.AtMostOnce);
        var subscriber = await harness.SubscriberAsync("s", "#");
        Assert.True((await subscriber.ReceivePublishAsync()).Retain);

        // Write rounds alternate between the queue and the stream: the new message overtakes most of the stream.
        await harness.PublishMarkerAsync("live");
        var retained = 1;
        var liveAt = -1;
        while (retained < count || liveAt < 0)
        {
            var publish = await subscriber.ReceivePublishAsync();
            if (publish.Retain)
            {
                retained++;
            }
            else
            {
                Assert.Equal(-1, liveAt);
                liveAt = retained;
            }
        }

        Assert.InRange(liveAt, 1, count / 2); // About 6,000 here: what the pipe buffers, plus a round.
    }

    [Fact]
    public async Task A_persistent_session_receives_the_rest_of_its_retained_messages_after_a_reconnect()
    {
        const int count = 20_000, before = 5_000;
        await using var harness = new BrokerHarness();
        SetRetained(harness, count, MqttQualityOfService.AtLeastOnce);

        var first = await harness.SubscriberAsync("s", "#", MqttQualityOfService.AtLeastOnce, clean: false);
        var acked = new HashSet<string>();
        for (var i = 0; i < before; i++)
        {
            var publish = await first.ReceivePublishAsync();
            Assert.True(acked.Add(publish.Topic));
            await first.AckAsync(publish);
        }

        // The network drops mid-stream. What the broker wrote after the last acknowledgment is in flight.
        await first.DropAsync();
        var unacked = (await first.ExpectClosedAsync()).Cast<PublishPacket>().Select(p => p.Topic).ToHashSet();
        var offline = harness.Broker.GetClient("s")!;
        Assert.False(offline.Connected);
        Assert.InRange(offline.InflightMessages, unacked.Count, harness.Broker.Options.MaxInflightMessages);
        Assert.Equal(count, before + offline.InflightMessages + offline.PendingRetainedMessages);

        var second = harness.Open();
        Assert.True((await second.ConnectAsync("s", clean: false)).SessionPresent);
        var resent = new HashSet<string>();
        var seen = new HashSet<string>(acked);
        var fresh = false;
        while (seen.Count < count)
        {
            var publish = await second.ReceivePublishAsync();
            if (publish.Dup)
            {
                // Only the in-flight messages come again, flagged DUP and before anything new [MQTT-4.4.0-1].
                Assert.False(fresh, $"{publish.Topic} re-sent after a new message.");
                Assert.DoesNotContain(publish.Topic, acked);
                resent.Add(publish.Topic);
                seen.Add(publish.Topic);
            }
            else if (!publish.Retain || !seen.Add(publish.Topic))
            {
                Assert.Fail($"{publish.Topic}: RETAIN {publish.Retain}, or received again without DUP.");
            }
            else
            {
                fresh = true;
            }

            await second.AckAsync(publish);
        }

        Assert.Equal(offline.InflightMessages, resent.Count);
        Assert.Subset(resent, unacked);
        await second.PingAsync(); // The acknowledgments before it are handled.
        await harness.PublishMarkerAsync();
        Assert.Equal("marker", (await second.ReceivePublishAsync()).Topic);
        var done = harness.Broker.GetClient("s")!;
        Assert.Equal((0, 0), (done.PendingRetainedMessages, done.InflightMessages));
    }

    [Fact]
    public async Task The_queue_limit_still_drops_routed_messages_but_never_retained_ones()
    {
        var hook = new TestHook();
        await using var harness = new BrokerHarness(o => o.MaxQueuedMessages = 3, hook);
        SetRetained(harness, 50, MqttQualityOfService.AtLeastOnce);
        var subscriber = await harness.SubscriberAsync("s", "live", MqttQualityOfService.AtLeastOnce, clean: false);
        await subscriber.DisconnectAsync();

        // While offline: fifty retained messages for a new subscription, ten routed messages for a queue of three.
        Assert.Equal(MqttReasonCode.GrantedQoS1, await harness.Broker.SubscribeAsync("s", new MqttTopicFilter { Filter = "r/#", MaximumQoS = MqttQualityOfService.AtLeastOnce }));
        for (var i = 0; i < 10; i++)
        {
            await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "live", Payload = new[] { (byte)('0' + i) }, QoS = MqttQualityOfService.AtLeastOnce });
        }

        var offline = harness.Broker.GetClient("s")!;
        Assert.Equal((3, 50), (offline.QueuedMessages, offline.PendingRetainedMessages));
        Assert.Equal(7L, harness.Broker.Counters.GetDrops(MqttDropReason.QueueFull));
        Assert.All(hook.Dropped, d => Assert.Equal(("live", MqttDropReason.QueueFull), (d.Message.Topic, d.Reason)));

        var again = harness.Open();
        Assert.True((await again.ConnectAsync("s", clean: false)).SessionPresent);
        var received = new List<PublishPacket>();
        for (var i = 0; i < 53; i++)
        {
            var publish = await again.ReceivePublishAsync();
            received.Add(publish);
            await again.AckAsync(publish);
        }

        Assert.Equal(["0", "1", "2"], received.Where(p => p.Topic == "live").Select(RawClient.Text)); // Drop-newest kept the first three.
        Assert.Equal(50, received.Where(p => p.Retain && p.Topic.StartsWith("r/", StringComparison.Ordinal)).Select(p => p.Topic).Distinct().Count());
        await harness.PublishMarkerAsync("live");
        Assert.Equal("marker", RawClient.Text(await again.ReceivePublishAsync()));
    }

    [Fact]
    public async Task Unsubscribing_stops_the_retained_messages_not_yet_sent()
    {
        await using var harness = new BrokerHarness(o => o.MaxInflightMessages = 10);
        SetRetained(harness, 1_000, MqttQualityOfService.AtLeastOnce);
        var subscriber = await harness.ConnectAsync("s");
        await subscriber.SubscribeAsync(1, ("r/#", MqttQualityOfService.AtLeastOnce), ("marker", MqttQualityOfService.AtMostOnce));

        // The window is full: nothing more can be sent until an acknowledgment, which comes after the UNSUBSCRIBE.
        var inflight = new List<PublishPacket>();
        for (var i = 0; i < 10; i++)
        {
            inflight.Add(await subscriber.ReceivePublishAsync());
        }

        await subscriber.SendAsync(new UnsubscribePacket { PacketId = 2, Filters = ["r/#"] });
        Assert.Equal(2, (await subscriber.ReceiveAsync<UnsubAckPacket>()).PacketId);
        Assert.Equal(0, harness.Broker.GetClient("s")!.PendingRetainedMessages);
        foreach (var publish in inflight)
        {
            await subscriber.AckAsync(publish);
        }

        await harness.PublishMarkerAsync();
        Assert.Equal("marker", (await subscriber.ReceivePublishAsync()).Topic);
    }

    [Fact]
    public async Task A_retained_message_that_expires_while_waiting_in_the_stream_is_not_sent() // section 3.3.2.3.3
    {
        await using var harness = new BrokerHarness(o => o.MaxInflightMessages = 1);
        foreach (var topic in new[] { "r/a", "r/b" })
        {
            await harness.Broker.PublishAsync(new MqttApplicationMessage
            {
                Topic = topic,
                Payload = "v"u8.ToArray(),
                QoS = MqttQualityOfService.AtLeastOnce,
                Retain = true,
                Properties = new MqttProperties { MessageExpiryInterval = 5 },
            });
        }

        var subscriber = await harness.ConnectAsync("s");
        await subscriber.SubscribeAsync(1, ("r/#", MqttQualityOfService.AtLeastOnce), ("marker", MqttQualityOfService.AtMostOnce));
        var first = await subscriber.ReceivePublishAsync();

        // The second waits behind the one-message window until both have expired.
        harness.Time.Advance(TimeSpan.FromSeconds(10));
        await subscriber.AckAsync(first);
        await subscriber.PingAsync();
        await harness.PublishMarkerAsync();
        Assert.Equal("marker", (await subscriber.ReceivePublishAsync()).Topic);
        Assert.Equal(0, harness.Broker.GetClient("s")!.PendingRetainedMessages);
    }

    [Fact]
    public async Task A_clean_start_discards_the_pending_retained_messages_without_counting_them_dropped()
    {
        await using var harness = new BrokerHarness();
        SetRetained(harness, 100, MqttQualityOfService.AtLeastOnce);
        var subscriber = await harness.SubscriberAsync("s", "live", MqttQualityOfService.AtLeastOnce, clean: false);
        await subscriber.DisconnectAsync();
        Assert.Equal(MqttReasonCode.GrantedQoS1, await harness.Broker.SubscribeAsync("s", new MqttTopicFilter { Filter = "r/#", MaximumQoS = MqttQualityOfService.AtLeastOnce }));
        Assert.Equal(100, harness.Broker.GetClient("s")!.PendingRetainedMessages);

        var again = harness.Open();
        Assert.False((await again.ConnectAsync("s", clean: true)).SessionPresent);
        await again.SubscribeAsync("marker");
        await harness.PublishMarkerAsync();
        Assert.Equal("marker", (await again.ReceivePublishAsync()).Topic);
        Assert.Equal(0L, harness.Broker.GetStatistics().MessagesDropped); // Still in the retained store: nothing was lost.
    }

    private static void SetRetained(BrokerHarness harness, int count, MqttQualityOfService qos)
    {
        for (var i = 0; i < count; i++)
        {
            harness.Broker.RetainedMessages.Set(new MqttApplicationMessage { Topic = $"r/{i}", Payload = "v"u8.ToArray(), QoS = qos, Retain = true });
        }
    }
}
