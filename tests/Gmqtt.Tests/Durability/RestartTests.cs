using System.Text;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Tests.Durability;

/// <summary>
/// Every piece of session state survives a restart over the SQLite store: a graceful one, and a kill (nothing but
/// what was committed reaches the new broker). Sessions, subscriptions with their options, queued and in-flight
/// messages with their packet identifiers and state, inbound QoS 2 identifiers, wills, expiry deadlines, retained messages.
/// </summary>
public class RestartTests
{
    private const MqttQualityOfService QoS1 = MqttQualityOfService.AtLeastOnce;
    private const MqttQualityOfService QoS2 = MqttQualityOfService.ExactlyOnce;

    private static MqttProperties Expiry(uint seconds) => new() { SessionExpiryInterval = seconds };

    public static TheoryData<bool> Crash => new() { false, true };

    private static Task RestartAsync(DurableBroker broker, bool crash) => crash ? broker.CrashAsync() : broker.RestartAsync();

    [Theory]
    [MemberData(nameof(Crash))]
    public async Task An_offline_session_resumes_with_its_subscriptions_and_queued_messages_in_order(bool crash)
    {
        await using var broker = await DurableBroker.StartAsync();
        var subscriber = await broker.Harness.Connect5Async("sub", cleanStart: true, Expiry(3600));
        await subscriber.SendAsync(new SubscribePacket
        {
            PacketId = 1,
            Filters =
            [
                new MqttTopicFilter { Filter = "a/#", MaximumQoS = QoS2, NoLocal = true, RetainAsPublished = true, RetainHandling = MqttRetainHandling.DoNotSend },
            ],
            Properties = new MqttProperties { SubscriptionIdentifiers = [42] },
        });
        await subscriber.ReceiveAsync<SubAckPacket>();
        await subscriber.DisconnectAsync();

        var publisher = await broker.Harness.ConnectAsync("pub");
        for (ushort i = 1; i <= 6; i++)
        {
            // Acknowledged: committed before the PUBACK/PUBREC (the durability rule).
            await publisher.PublishAsync("a/b", $"m{i}", i % 2 == 0 ? QoS2 : QoS1, packetId: i, retain: i == 6);
            await publisher.ReceiveAsync<MqttAckPacket>();
        }

        await RestartAsync(broker, crash);

        var resumed = broker.Harness.Open();
        var connAck = await resumed.Connect5Async("sub", cleanStart: false, Expiry(3600));
        Assert.True(connAck.SessionPresent); // [MQTT-3.2.2-2]
        var received = new List<PublishPacket>();
        for (var i = 0; i < 6; i++)
        {
            var publish = await resumed.ReceiveMessageAsync();
            received.Add(publish);
            await resumed.AckAsync(publish);
        }

        Assert.Equal(["m1", "m2", "m3", "m4", "m5", "m6"], received.Select(Payload));
        Assert.Equal([QoS1, QoS2, QoS1, QoS2, QoS1, QoS2], received.Select(p => p.QoS));
        Assert.All(received, p => Assert.Equal([42u], p.Properties!.SubscriptionIdentifiers!));
        Assert.Equal([false, false, false, false, false, true], received.Select(p => p.Retain)); // Retain As Published kept

        // The subscription is there without a new SUBSCRIBE, and No Local with it (the PUBRELs still owed come first).
        await resumed.PublishAsync("a/own", Encoding.UTF8.GetBytes("own"), null, QoS1, packetId: 9);
        MqttPacket? next;
        while ((next = await resumed.ReceiveAsync()) is PubRelPacket rel)
        {
            await resumed.SendAsync(new PubCompPacket { PacketId = rel.PacketId });
        }

        Assert.IsType<PubAckPacket>(next);
        var publisher2 = await broker.Harness.ConnectAsync("pub2");
        await publisher2.PublishAsync("a/after", "after", QoS1, packetId: 1);
        var after = await resumed.ReceiveMessageAsync();
        Assert.Equal("after", Payload(after));
    }

    [Fact]
    public async Task A_QoS2_message_sent_before_a_crash_is_sent_again_with_its_packet_identifier_and_DUP()
    {
        await using var broker = await DurableBroker.StartAsync();
        var subscriber = await broker.Harness.SubscriberAsync("sub", "q", QoS2, clean: false);
        var publisher = await broker.Harness.ConnectAsync("pub");
        await publisher.PublishAsync("q", "once", QoS2, packetId: 1);
        await publisher.ReceiveAsync<PubRecPacket>();
        var first = await subscriber.ReceivePublishAsync(); // Sent, not acknowledged.

        await broker.CrashAsync();

        var resumed = broker.Harness.Open();
        Assert.True((await resumed.ConnectAsync("sub", clean: false)).SessionPresent);
        var again = await resumed.ReceivePublishAsync();
        Assert.Equal((first.PacketId, "once", true), (again.PacketId, Payload(again), again.Dup)); // [MQTT-4.4.0-1] [MQTT-3.3.1-1]
    }

    [Fact]
    public async Task After_PUBREC_a_restart_resends_PUBREL_not_the_PUBLISH()
    {
        await using var broker = await DurableBroker.StartAsync();
        var subscriber = await broker.Harness.SubscriberAsync("sub", "q", QoS2, clean: false);
        var publisher = await broker.Harness.ConnectAsync("pub");
        await publisher.PublishAsync("q", "once", QoS2, packetId: 1);
        await publisher.ReceiveAsync<PubRecPacket>();
        var publish = await subscriber.ReceivePublishAsync();
        await subscriber.SendAsync(new PubRecPacket { PacketId = publish.PacketId });
        // PUBREL goes out only once the PUBREC-received state is committed.
        Assert.Equal(publish.PacketId, (await subscriber.ReceiveAsync<PubRelPacket>()).PacketId);

        await broker.CrashAsync();

        var resumed = broker.Harness.Open();
        Assert.True((await resumed.ConnectAsync("sub", clean: false)).SessionPresent);
        Assert.Equal(publish.PacketId, (await resumed.ReceiveAsync<PubRelPacket>()).PacketId); // [MQTT-4.4.0-1]
        await resumed.SendAsync(new PubCompPacket { PacketId = publish.PacketId });
        await broker.Harness.PublishMarkerAsync("q");
        Assert.Equal("marker", Payload(await resumed.ReceivePublishAsync())); // and never the PUBLISH again
    }

    [Fact]
    public async Task An_inbound_QoS2_identifier_survives_a_crash_so_the_resent_PUBLISH_is_not_delivered_twice()
    {
        await using var broker = await DurableBroker.StartAsync();
        await broker.Harness.SubscriberAsync("sub", "q", QoS2, clean: false);
        var publisher = await broker.Harness.ConnectAsync("pub", clean: false);
        await publisher.PublishAsync("q", "exactly-once", QoS2, packetId: 7);
        await publisher.ReceiveAsync<PubRecPacket>();

        await broker.CrashAsync();

        // The publisher did not see PUBCOMP: it re-sends the PUBLISH with DUP, then PUBREL [MQTT-4.3.3-2] method B.
        var publisherAgain = broker.Harness.Open();
        Assert.True((await publisherAgain.ConnectAsync("pub", clean: false)).SessionPresent);
        await publisherAgain.PublishAsync("q", "exactly-once", QoS2, packetId: 7, dup: true);
        Assert.Equal(7, (await publisherAgain.ReceiveAsync<PubRecPacket>()).PacketId);
        await publisherAgain.SendAsync(new PubRelPacket { PacketId = 7 });
        Assert.Equal(7, (await publisherAgain.ReceiveAsync<PubCompPacket>()).PacketId);

        var subscriber = broker.Harness.Open();
        Assert.True((await subscriber.ConnectAsync("sub", clean: false)).SessionPresent);
        var first = await subscriber.ReceiveMessageAsync();
        Assert.Equal("exactly-once", Payload(first));
        await subscriber.AckAsync(first);
        await broker.Harness.PublishMarkerAsync("q");
        Assert.Equal("marker", Payload(await subscriber.ReceiveMessageAsync())); // one copy only
    }

    [Theory]
    [MemberData(nameof(Crash))]
    public async Task Retained_messages_survive_with_their_absolute_expiry_whether_published_set_or_cleared(bool crash)
    {
        await using var broker = await DurableBroker.StartAsync();
        var publisher = await broker.Harness.Connect5Async("pub");
        await publisher.PublishAsync("r/published", Encoding.UTF8.GetBytes("p"), new MqttProperties { MessageExpiryInterval = 100 }, QoS1, packetId: 1, retain: true);
        await publisher.ReceiveAsync<PubAckPacket>();
        await publisher.PublishAsync("r/cleared", Encoding.UTF8.GetBytes("c"), null, QoS1, packetId: 2, retain: true);
        await publisher.ReceiveAsync<PubAckPacket>();
        await publisher.PublishAsync("r/cleared", ReadOnlyMemory<byte>.Empty, null, QoS1, packetId: 3, retain: true); // [MQTT-3.3.1-10]
        await publisher.ReceiveAsync<PubAckPacket>();
        broker.Broker.RetainedMessages.Set(new MqttApplicationMessage { Topic = "r/api", Payload = "api"u8.ToArray() });
        await publisher.PingAsync();
        await broker.CommittedAsync(); // The API's change went to the store with nobody waiting for it.

        broker.Time.Advance(TimeSpan.FromSeconds(40));
        await RestartAsync(broker, crash);

        Assert.Null(broker.Broker.RetainedMessages.Get("r/cleared"));
        Assert.Equal("api", Encoding.UTF8.GetString(broker.Broker.RetainedMessages.Get("r/api")!.Payload.Span));
        var subscriber = await broker.Harness.Connect5Async("late");
        await subscriber.Subscribe5Async("r/published", QoS1);
        var retained = await subscriber.ReceiveMessageAsync();
        Assert.True(retained.Retain);
        Assert.InRange(retained.Properties!.MessageExpiryInterval!.Value, 59u, 60u); // 100 s less the 40 s before the restart

        broker.Time.Advance(TimeSpan.FromSeconds(61));
        var later = await broker.Harness.Connect5Async("later");
        await later.Subscribe5Async("r/published", QoS1);
        await broker.Harness.PublishMarkerAsync("r/published");
        Assert.Equal("marker", Payload(await later.ReceiveMessageAsync())); // expired: not sent any more
    }

    [Fact]
    public async Task The_will_of_a_client_online_at_a_crash_is_published_after_its_delay_from_the_restart()
    {
        await using var broker = await DurableBroker.StartAsync();
        var will = new MqttWill { Topic = "will/t", Payload = "gone"u8.ToArray(), QoS = QoS1, Properties = new MqttProperties { WillDelayInterval = 30 } };
        var client = broker.Harness.Open();
        await client.Connect5Async("dies", cleanStart: true, Expiry(3600), will);
        await client.PingAsync();
        var watcher = await broker.Harness.SubscriberAsync("watcher", "will/#", QoS1, clean: false);
        await broker.CrashAsync();

        var watcherAgain = broker.Harness.Open();
        Assert.True((await watcherAgain.ConnectAsync("watcher", clean: false)).SessionPresent);
        broker.Time.Advance(TimeSpan.FromSeconds(29));
        await broker.Harness.PublishMarkerAsync("will/marker");
        Assert.Equal("marker", Payload(await watcherAgain.ReceiveMessageAsync())); // not yet
        broker.Time.Advance(TimeSpan.FromSeconds(1));
        var published = await watcherAgain.ReceiveMessageAsync();
        Assert.Equal(("will/t", "gone"), (published.Topic, Payload(published)));
    }

    [Fact]
    public async Task A_will_discarded_by_a_normal_DISCONNECT_is_not_published_after_a_restart()
    {
        await using var broker = await DurableBroker.StartAsync();
        var will = new MqttWill { Topic = "will/t", Payload = "gone"u8.ToArray(), QoS = QoS1, Properties = new MqttProperties { WillDelayInterval = 30 } };
        var client = broker.Harness.Open();
        await client.Connect5Async("leaves", cleanStart: true, Expiry(3600), will);
        await client.DisconnectAsync(); // [MQTT-3.1.2-10]
        await broker.CommittedAsync();
        var watcher = await broker.Harness.SubscriberAsync("watcher", "will/#", QoS1, clean: false);
        await broker.CrashAsync();

        var watcherAgain = broker.Harness.Open();
        await watcherAgain.ConnectAsync("watcher", clean: false);
        broker.Time.Advance(TimeSpan.FromSeconds(60));
        await broker.Harness.PublishMarkerAsync("will/marker");
        Assert.Equal("marker", Payload(await watcherAgain.ReceiveMessageAsync()));
    }

    [Theory]
    [MemberData(nameof(Crash))]
    public async Task An_offline_session_expires_at_its_stored_deadline(bool crash)
    {
        await using var broker = await DurableBroker.StartAsync();
        var client = await broker.Harness.Connect5Async("expiring", cleanStart: true, Expiry(100));
        await client.DisconnectAsync();
        await broker.CommittedAsync();
        broker.Time.Advance(TimeSpan.FromSeconds(60));
        await RestartAsync(broker, crash);

        Assert.NotNull(broker.Broker.GetClient("expiring"));
        broker.Time.Advance(TimeSpan.FromSeconds(39));
        Assert.NotNull(broker.Broker.GetClient("expiring"));
        broker.Time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => broker.Broker.GetClient("expiring") is null);

        // Gone from the store as well: another restart does not bring it back.
        await broker.RestartAsync();
        Assert.Null(broker.Broker.GetClient("expiring"));
    }

    [Fact]
    public async Task A_Session_Expiry_Interval_changed_by_DISCONNECT_is_the_one_that_survives()
    {
        await using var broker = await DurableBroker.StartAsync();
        var client = await broker.Harness.Connect5Async("changes", cleanStart: true, Expiry(10));
        await client.DisconnectAsync(properties: Expiry(1000));
        await broker.CommittedAsync();
        await broker.CrashAsync();

        broker.Time.Advance(TimeSpan.FromSeconds(500));
        var again = broker.Harness.Open();
        Assert.True((await again.Connect5Async("changes", cleanStart: false, Expiry(1000))).SessionPresent);
    }

    [Fact]
    public async Task A_clean_session_leaves_nothing_in_the_store()
    {
        await using var broker = await DurableBroker.StartAsync();
        var clean = await broker.Harness.SubscriberAsync("clean", "c", QoS1, clean: true);
        var persistent = await broker.Harness.SubscriberAsync("kept", "c", QoS1, clean: false);
        await broker.Harness.PublishMarkerAsync("c");
        await clean.ReceiveMessageAsync();
        await persistent.ReceiveMessageAsync();
        var replaced = broker.Harness.Open();
        await replaced.ConnectAsync("kept", clean: true); // Clean Session 1 discards the stored session [MQTT-3.1.2-6]
        await broker.RestartAsync();

        Assert.Null(broker.Broker.GetClient("clean"));
        Assert.Null(broker.Broker.GetClient("kept"));
        Assert.Equal(0, broker.Broker.SessionCount);
    }

    [Fact]
    public async Task A_log_compacted_many_times_still_holds_exactly_what_is_queued_and_stays_small()
    {
        await using var broker = await DurableBroker.StartAsync(o => o.MaxQueuedMessages = 10_000, s => s.CompactionMinimumBytes = 4096);
        await broker.Harness.SubscriberAsync("offline", "t/#", QoS1, clean: false).ContinueWith(t => t.Result.DisconnectAsync()).Unwrap();
        var online = await broker.Harness.SubscriberAsync("online", "t/#", QoS1, clean: false);
        var publisher = await broker.Harness.ConnectAsync("pub");
        for (ushort i = 1; i <= 2000; i++)
        {
            await publisher.PublishAsync("t/x", $"m{i}", QoS1, packetId: i);
            await publisher.ReceiveAsync<PubAckPacket>();
            await online.AckAsync(await online.ReceivePublishAsync()); // "online" drains as it goes
        }

        await online.PingAsync();
        await broker.CommittedAsync();
        await broker.CrashAsync();

        var size = new FileInfo(broker.DatabasePath).Length + (File.Exists(broker.DatabasePath + "-wal") ? new FileInfo(broker.DatabasePath + "-wal").Length : 0);
        var resumed = broker.Harness.Open();
        Assert.True((await resumed.ConnectAsync("offline", clean: false)).SessionPresent);
        for (var i = 1; i <= 2000; i++)
        {
            var publish = await resumed.ReceivePublishAsync();
            Assert.Equal($"m{i}", Payload(publish));
            await resumed.AckAsync(publish);
        }

        var drained = broker.Harness.Open();
        Assert.True((await drained.ConnectAsync("online", clean: false)).SessionPresent);
        await broker.Harness.PublishMarkerAsync("t/marker");
        Assert.Equal("marker", Payload(await drained.ReceivePublishAsync())); // nothing of the acknowledged 2,000 came back
        Assert.InRange(size, 1, 4 * 1024 * 1024);
    }

    [Theory]
    [MemberData(nameof(Crash))]
    public async Task The_unsent_rest_of_a_retained_stream_resumes_after_a_restart_where_it_stood(bool crash)
    {
        const int Retained = 20_000;
        await using var broker = await DurableBroker.StartAsync();
        for (var i = 0; i < Retained; i++)
        {
            broker.Broker.RetainedMessages.Set(new MqttApplicationMessage { Topic = $"r/{i:D5}", Payload = Encoding.UTF8.GetBytes($"v{i}"), QoS = QoS1, Retain = true });
        }

        var subscriber = await broker.Harness.SubscriberAsync("s", "r/#", QoS1, clean: false);
        var before = new HashSet<string>();
        while (before.Count < 5_000)
        {
            var publish = await subscriber.ReceivePublishAsync();
            before.Add(publish.Topic);
            await subscriber.AckAsync(publish);
        }

        await broker.CommittedAsync();
        await RestartAsync(broker, crash);

        var resumed = broker.Harness.Open();
        Assert.True((await resumed.ConnectAsync("s", clean: false)).SessionPresent);
        var after = new HashSet<string>();
        while (before.Count + after.Count(t => !before.Contains(t)) < Retained)
        {
            var publish = await resumed.ReceivePublishAsync();
            Assert.True(publish.Retain);
            after.Add(publish.Topic);
            await resumed.AckAsync(publish);
        }

        // Every retained message arrived, and the restart went on from where the stream stood rather than from the start:
        // what came again is at most the window that was in flight.
        Assert.Equal(Retained, before.Union(after).Count());
        Assert.InRange(before.Intersect(after).Count(), 0, 300);
    }

    private static string Payload(PublishPacket publish) => Encoding.UTF8.GetString(publish.Payload.Span);
}
