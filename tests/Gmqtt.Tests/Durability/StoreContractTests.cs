using System.Text;
using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;
using Gmqtt.Storage;

namespace Gmqtt.Tests.Durability;

/// <summary>
/// What the broker tells a durable session store, and when it acknowledges: every state change reaches the store, a
/// PUBACK/PUBREC waits for the commit of what it acknowledges, a failed commit is never acknowledged, and what does
/// not outlive its connection (clean sessions, QoS 0) is never written.
/// </summary>
public class StoreContractTests
{
    private const MqttQualityOfService QoS1 = MqttQualityOfService.AtLeastOnce;
    private const MqttQualityOfService QoS2 = MqttQualityOfService.ExactlyOnce;

    private static async Task<(BrokerHarness Harness, RecordingSessionStore Store)> StartAsync(Action<MqttBrokerOptions>? configure = null, params IMqttHook[] hooks) =>
        await StartAsync(new RecordingSessionStore(), configure, hooks);

    private static async Task<(BrokerHarness Harness, RecordingSessionStore Store)> StartAsync(RecordingSessionStore store, Action<MqttBrokerOptions>? configure = null, params IMqttHook[] hooks)
    {
        var harness = new BrokerHarness(configure, store, time: null, hooks);
        await harness.StartAsync();
        return (harness, store);
    }

    [Fact]
    public async Task A_PUBACK_waits_for_the_commit_of_the_message_and_its_enqueue_while_the_read_loop_goes_on()
    {
        var (harness, store) = await StartAsync();
        await using var _ = harness;
        await harness.SubscriberAsync("offline", "t", QoS1, clean: false).ContinueWith(t => t.Result.DisconnectAsync()).Unwrap();
        var publisher = await harness.ConnectAsync("pub");
        store.Hold();
        await publisher.PublishAsync("t", "held", QoS1, packetId: 1);
        // The read loop is not blocked: a PINGREQ sent after the PUBLISH is answered while the commit is held.
        await publisher.SendAsync(PingReqPacket.Instance);
        Assert.IsType<PingRespPacket>(await publisher.ReceiveAsync());
        Assert.Null(publisher.TryReceiveNow()); // no PUBACK yet
        Assert.Empty(store.Of<MqttStoreChange.OutboxEntrySaved>());

        store.Release();
        Assert.Equal(1, (await publisher.ReceiveAsync<PubAckPacket>()).PacketId);
        var entry = Assert.Single(store.Of<MqttStoreChange.OutboxEntrySaved>());
        Assert.Equal(("offline", "held"), (entry.ClientId, Encoding.UTF8.GetString(entry.Entry.Message.Message.Payload.Span)));
        Assert.Single(store.Of<MqttStoreChange.MessageSaved>());
    }

    [Fact]
    public async Task Periodic_mode_acknowledges_and_delivers_without_waiting_and_commits_every_interval()
    {
        var (harness, store) = await StartAsync(new RecordingSessionStore { Durability = MqttStoreDurability.Periodic, CommitInterval = TimeSpan.FromSeconds(1) });
        await using var _ = harness;
        var subscriber = await harness.SubscriberAsync("online", "t", QoS1, clean: false);
        var publisher = await harness.ConnectAsync("pub");
        await publisher.PublishAsync("t", "fast", QoS1, packetId: 1);
        Assert.Equal(1, (await publisher.ReceiveAsync<PubAckPacket>()).PacketId); // no commit yet: write-behind
        Assert.Equal("fast", Encoding.UTF8.GetString((await subscriber.ReceivePublishAsync()).Payload.Span));
        Assert.Empty(store.Of<MqttStoreChange.OutboxEntrySaved>());

        harness.Time.Advance(TimeSpan.FromSeconds(1)); // the interval: the gathered changes are committed
        await Eventually.TrueAsync(() => store.Of<MqttStoreChange.OutboxEntrySaved>().Any());
    }

    [Fact]
    public async Task Acknowledgements_of_one_connection_keep_their_order_across_commits()
    {
        var (harness, store) = await StartAsync();
        await using var _ = harness;
        await harness.SubscriberAsync("offline", "stored", QoS1, clean: false).ContinueWith(t => t.Result.DisconnectAsync()).Unwrap();
        var publisher = await harness.ConnectAsync("pub");
        store.Hold();
        await publisher.PublishAsync("stored", "1", QoS1, packetId: 1); // waits for a commit
        await publisher.PublishAsync("nobody", "2", QoS1, packetId: 2); // nothing to commit, but must not overtake
        await publisher.PingAsync();
        Assert.Null(publisher.TryReceiveNow());
        store.Release();
        Assert.Equal(1, (await publisher.ReceiveAsync<PubAckPacket>()).PacketId);
        Assert.Equal(2, (await publisher.ReceiveAsync<PubAckPacket>()).PacketId);
    }

    [Fact]
    public async Task A_stored_QoS2_message_is_not_sent_before_it_is_committed_a_QoS1_message_is_and_neither_is_acknowledged()
    {
        var (harness, store) = await StartAsync();
        await using var _ = harness;
        var exactly = await harness.SubscriberAsync("qos2", "t", QoS2, clean: false);
        var atLeast = await harness.SubscriberAsync("qos1", "t", QoS1, clean: false);
        var publisher = await harness.ConnectAsync("pub");
        store.Hold();
        await publisher.PublishAsync("t", "held", QoS2, packetId: 1);
        await publisher.PingAsync();
        // QoS 1: delivered before the commit (a re-send after a crash would be a second delivery, which QoS 1 allows).
        Assert.Equal("held", Encoding.UTF8.GetString((await atLeast.ReceivePublishAsync()).Payload.Span));
        // QoS 2: not before the commit, so that a crash never makes the publisher's re-send a second delivery.
        await exactly.PingAsync();
        Assert.Null(exactly.TryReceiveNow());
        Assert.Null(publisher.TryReceiveNow()); // and no PUBREC yet

        store.Release();
        Assert.Equal("held", Encoding.UTF8.GetString((await exactly.ReceivePublishAsync()).Payload.Span));
        Assert.Equal(1, (await publisher.ReceiveAsync<PubRecPacket>()).PacketId);
    }

    [Fact]
    public async Task A_failed_commit_is_never_acknowledged_MQTT5_gets_0x80_and_MQTT3_is_disconnected()
    {
        var (harness, store) = await StartAsync();
        await using var _ = harness;
        await harness.SubscriberAsync("offline", "t", QoS1, clean: false).ContinueWith(t => t.Result.DisconnectAsync()).Unwrap();
        var v5 = await harness.Connect5Async("pub5");
        var v3 = await harness.ConnectAsync("pub3");
        store.Failure = new IOException("disk full");

        await v5.PublishAsync("t", "x"u8.ToArray(), null, QoS1, packetId: 1);
        Assert.Equal(MqttReasonCode.UnspecifiedError, (await v5.ReceiveAsync<PubAckPacket>()).ReasonCode);
        await v3.PublishAsync("t", "x", QoS1, packetId: 1);
        Assert.DoesNotContain(await v3.ExpectClosedAsync(), p => p is PubAckPacket);
        Assert.Contains("disk full", harness.Broker.StorageFailure);

        // The disk is back: the next commit clears the failure and acknowledges again.
        store.Failure = null;
        await v5.PublishAsync("t", "y"u8.ToArray(), null, QoS1, packetId: 2);
        Assert.Equal(MqttReasonCode.Success, (await v5.ReceiveAsync<PubAckPacket>()).ReasonCode);
        Assert.Null(harness.Broker.StorageFailure);
    }

    [Fact]
    public async Task Clean_sessions_and_QoS0_messages_are_never_written_and_the_brokers_own_SYS_values_are_not_retained_in_the_store()
    {
        var (harness, store) = await StartAsync(o => o.QueueQoS0WhenOffline = true);
        await using var _ = harness;
        var clean = await harness.SubscriberAsync("clean", "t", QoS1, clean: true);
        await harness.SubscriberAsync("persistent", "t", MqttQualityOfService.AtMostOnce, clean: false).ContinueWith(t => t.Result.DisconnectAsync()).Unwrap();
        var publisher = await harness.ConnectAsync("pub");
        await publisher.PublishAsync("t", "qos1", QoS1, packetId: 1); // QoS 0 for the persistent one (its grant)
        await publisher.ReceiveAsync<PubAckPacket>();
        await clean.ReceiveMessageAsync();
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "$SYS/broker/uptime", Payload = "1"u8.ToArray(), Retain = true });
        await harness.CommittedAsync();

        Assert.DoesNotContain(store.Changes, c => c is MqttStoreChange.SessionSaved { Session.ClientId: "clean" or "pub" });
        Assert.Empty(store.Of<MqttStoreChange.OutboxEntrySaved>());
        Assert.Empty(store.Of<MqttStoreChange.MessageSaved>());
        Assert.Empty(store.Of<MqttStoreChange.RetainedSaved>());
        Assert.Contains(store.Changes, c => c is MqttStoreChange.SessionSaved { Session.ClientId: "persistent" });
    }

    [Fact]
    public async Task DISCONNECT_expiry_wills_and_PUBREC_reach_the_store()
    {
        var (harness, store) = await StartAsync();
        await using var _ = harness;
        var will = new MqttWill { Topic = "w", Payload = "bye"u8.ToArray(), Properties = new MqttProperties { WillDelayInterval = 5 } };
        var client = harness.Open();
        await client.Connect5Async("c", cleanStart: true, new MqttProperties { SessionExpiryInterval = 10 }, will);
        await client.Subscribe5Async("q", QoS2);
        var publisher = await harness.ConnectAsync("pub", clean: false);
        await publisher.PublishAsync("q", "two", QoS2, packetId: 1);
        await publisher.ReceiveAsync<PubRecPacket>();
        var publish = await client.ReceivePublishAsync();
        await client.SendAsync(new PubRecPacket { PacketId = publish.PacketId });
        await client.ReceiveAsync<PubRelPacket>();
        await client.SendAsync(new DisconnectPacket { ReasonCode = MqttReasonCode.DisconnectWithWillMessage, Properties = new MqttProperties { SessionExpiryInterval = 600 } });
        await client.ExpectClosedAsync();
        await harness.CommittedAsync();

        var saved = store.Of<MqttStoreChange.SessionSaved>().Where(s => s.Session.ClientId == "c").ToList();
        Assert.Equal("bye", Encoding.UTF8.GetString(saved[0].Session.Will!.Payload.Span)); // stored at connect
        Assert.Equal(5u, saved[0].Session.WillDelayInterval);
        var offline = saved[^1].Session;
        Assert.Equal(600u, offline.ExpiryInterval); // DISCONNECT's value [MQTT-3.14.2-2]
        Assert.Equal(harness.Time.GetUtcNow().AddSeconds(600), offline.ExpiresAt);
        Assert.Equal(harness.Time.GetUtcNow().AddSeconds(5), offline.WillAt);

        var entries = store.Of<MqttStoreChange.OutboxEntrySaved>().Where(e => e.ClientId == "c").Select(e => e.Entry).ToList();
        Assert.Equal(0, entries[0].PacketId); // queued
        Assert.Equal(publish.PacketId, entries[1].PacketId); // committed before the PUBLISH went out
        Assert.True(entries[2].Released); // PUBREC received, committed before PUBREL
        Assert.Contains(store.Changes, c => c is MqttStoreChange.InboundQoS2Changed { ClientId: "pub", PacketId: 1, Pending: true });
    }

    [Fact]
    public async Task A_delayed_will_going_out_keeps_the_stored_deadline_the_disconnect_set()
    {
        var (harness, store) = await StartAsync();
        await using var _ = harness;
        var will = new MqttWill { Topic = "w", Payload = "bye"u8.ToArray(), Properties = new MqttProperties { WillDelayInterval = 5 } };
        var client = harness.Open();
        await client.Connect5Async("c", cleanStart: true, new MqttProperties { SessionExpiryInterval = 600 }, will);
        await client.DropAsync();
        await client.ExpectClosedAsync();
        var deadline = harness.Time.GetUtcNow().AddSeconds(600);

        harness.Time.Advance(TimeSpan.FromSeconds(5));
        await Eventually.TrueAsync(() => store.Of<MqttStoreChange.SessionSaved>().Count(s => s.Session.ClientId == "c") == 3, "the session saved once its will went out");

        // Saved at connect, at disconnect, and once the will went out: without it, still expiring when the disconnect said.
        var published = store.Of<MqttStoreChange.SessionSaved>().Last(s => s.Session.ClientId == "c").Session;
        Assert.Null(published.Will);
        Assert.Equal(deadline, published.ExpiresAt);
    }

    [Fact]
    public async Task An_eviction_under_DropOldest_removes_the_evicted_entry_and_its_body_from_the_store()
    {
        var (harness, store) = await StartAsync(o =>
        {
            o.MaxQueuedMessages = 1;
            o.QueueOverflowPolicy = MqttQueueOverflowPolicy.DropOldest;
        });
        await using var _ = harness;
        await harness.SubscriberAsync("s", "t", QoS1, clean: false).ContinueWith(t => t.Result.DisconnectAsync()).Unwrap();
        var publisher = await harness.ConnectAsync("pub");
        await publisher.PublishAsync("t", "old", QoS1, packetId: 1);
        await publisher.ReceiveAsync<PubAckPacket>();
        await publisher.PublishAsync("t", "new", QoS1, packetId: 2);
        await publisher.ReceiveAsync<PubAckPacket>();

        var saved = store.Of<MqttStoreChange.OutboxEntrySaved>().ToList();
        var removed = Assert.Single(store.Of<MqttStoreChange.OutboxEntryRemoved>());
        Assert.Equal(saved[0].Entry.Sequence, removed.Sequence);
        Assert.Equal(saved[0].Entry.Message.Id, Assert.Single(store.Of<MqttStoreChange.MessageRemoved>()).MessageId);
    }

    [Fact]
    public async Task Acknowledged_expired_and_too_large_entries_are_removed_and_their_bodies_with_the_last_reference()
    {
        var (harness, store) = await StartAsync();
        await using var _ = harness;
        var small = harness.Open();
        await small.Connect5Async("small", cleanStart: true, new MqttProperties { SessionExpiryInterval = 60, MaximumPacketSize = 64 });
        await small.Subscribe5Async("t", QoS1);
        var acking = await harness.Subscriber5Async("acking", "t", QoS1, new MqttProperties { SessionExpiryInterval = 60 });
        var publisher = await harness.Connect5Async("pub");
        await publisher.PublishAsync("t", new byte[200], null, QoS1, packetId: 1); // too large for "small" [MQTT-3.1.2-24]
        await publisher.ReceiveAsync<PubAckPacket>();
        var big = await acking.ReceivePublishAsync();
        await acking.AckAsync(big);
        await acking.PingAsync();

        await small.DisconnectAsync();
        await publisher.PublishAsync("t", "e"u8.ToArray(), new MqttProperties { MessageExpiryInterval = 1 }, QoS1, packetId: 2);
        await publisher.ReceiveAsync<PubAckPacket>();
        var expiring = await acking.ReceivePublishAsync();
        await acking.AckAsync(expiring);
        harness.Time.Advance(TimeSpan.FromSeconds(2));
        var again = harness.Open();
        await again.Connect5Async("small", cleanStart: false, new MqttProperties { SessionExpiryInterval = 60 });
        await again.PingAsync(); // the expired message was taken from the queue and dropped
        await harness.CommittedAsync();

        var saved = store.Of<MqttStoreChange.OutboxEntrySaved>().Select(e => e.Entry.Sequence).Distinct().Order().ToList();
        var removed = store.Of<MqttStoreChange.OutboxEntryRemoved>().Select(e => e.Sequence).Order().ToList();
        Assert.Equal(saved, removed); // all four entries: two acknowledged, one too large, one expired
        Assert.Equal(
            store.Of<MqttStoreChange.MessageSaved>().Select(m => m.Message.Id).Order(),
            store.Of<MqttStoreChange.MessageRemoved>().Select(m => m.MessageId).Order());
    }

    [Fact]
    public async Task A_shared_subscription_re_offer_moves_the_entry_to_the_other_member_in_the_store()
    {
        var (harness, store) = await StartAsync();
        await using var _ = harness;
        foreach (var member in new[] { "a", "b" })
        {
            await harness.Subscriber5Async(member, "$share/g/t", QoS1, new MqttProperties { SessionExpiryInterval = 600 }).ContinueWith(t => t.Result.DisconnectAsync()).Unwrap();
        }

        var publisher = await harness.ConnectAsync("pub");
        await publisher.PublishAsync("t", "m", QoS1, packetId: 1);
        await publisher.ReceiveAsync<PubAckPacket>();
        var first = Assert.Single(store.Of<MqttStoreChange.OutboxEntrySaved>());
        var other = first.ClientId == "a" ? "b" : "a";

        // The member that had it ends (a clean session takes its id over): the message goes to the other member,
        // in the store as in memory (section 4.8.2).
        var replaced = harness.Open();
        await replaced.ConnectAsync(first.ClientId, clean: true);
        await harness.CommittedAsync();
        Assert.Contains(store.Changes, c => c is MqttStoreChange.SessionRemoved s && s.ClientId == first.ClientId);
        var moved = Assert.Single(store.Of<MqttStoreChange.OutboxEntrySaved>(), e => e.ClientId == other);
        Assert.Equal("m", Encoding.UTF8.GetString(moved.Entry.Message.Message.Payload.Span));
        var savedIds = store.Of<MqttStoreChange.MessageSaved>().Select(m => m.Message.Id).ToList();
        Assert.Contains(moved.Entry.Message.Id, savedIds); // its body is in the store under the id it refers to
        Assert.DoesNotContain(store.Of<MqttStoreChange.MessageRemoved>(), r => r.MessageId == moved.Entry.Message.Id &&
            store.Changes.ToList().FindLastIndex(c => c is MqttStoreChange.MessageRemoved x && x.MessageId == r.MessageId) >
            store.Changes.ToList().FindLastIndex(c => c is MqttStoreChange.MessageSaved x && x.Message.Id == r.MessageId));

        var member2 = harness.Open();
        await member2.Connect5Async(other, cleanStart: false, new MqttProperties { SessionExpiryInterval = 600 });
        Assert.Equal("m", Encoding.UTF8.GetString((await member2.ReceivePublishAsync()).Payload.Span));
    }
}
