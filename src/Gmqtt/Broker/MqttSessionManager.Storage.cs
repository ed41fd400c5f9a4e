using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Gmqtt.Storage;
using Gmqtt.Subscriptions;

namespace Gmqtt.Broker;

/// <summary>The session manager's side of the session store: restoring at start, and what attach, detach and end write.</summary>
internal sealed partial class MqttSessionManager
{
    /// <summary>
    /// Puts back the sessions the store held at start — subscriptions, queued and in-flight messages, inbound QoS 2
    /// identifiers — offline, with their expiry and delayed-will timers re-armed. Nothing is written back. Returns the
    /// counts for the log and the highest sequence and message identifier, where the store writer goes on from.
    /// </summary>
    public (int Sessions, int Messages, long LastSequence, long LastMessageId) Restore(MqttStoreSnapshot snapshot)
    {
        // One live message per stored body, however many entries refer to it.
        var bodies = new Dictionary<long, MqttApplicationMessage>();
        long lastSequence = 0, lastMessageId = 0;
        var messages = 0;
        var now = timeProvider.GetUtcNow();
        foreach (var stored in snapshot.Sessions)
        {
            var session = new MqttSession(stored.ClientId, options) { Journal = storeWriter };
            foreach (var s in stored.Subscriptions)
            {
                var subscription = new Subscription(session, s.Filter, s.QoS, s.NoLocal, s.RetainAsPublished, s.RetainHandling, s.SubscriptionIdentifier);
                session.SetSubscription(subscription);
                router.Subscriptions.Add(subscription);
            }

            var entries = new List<OutboundMessage>(stored.Outbox.Count);
            foreach (var entry in stored.Outbox)
            {
                lastSequence = Math.Max(lastSequence, entry.Sequence);
                lastMessageId = Math.Max(lastMessageId, entry.Message.Id);
                if (!bodies.TryGetValue(entry.Message.Id, out var message))
                {
                    message = MqttStoreWriter.Restored(entry.Message, timeProvider) ?? entry.Message.Message;
                    message.StoreId = entry.Message.Id;
                    message.Stored = entry.Message;
                    bodies.Add(entry.Message.Id, message);
                }

                message.StoreReferences++;
                var subscriptionIds = entry.SubscriptionIds is { Count: > 0 } ids ? ids.ToList() : null;
                entries.Add(new OutboundMessage(message, entry.QoS, entry.Retain, subscriptionIds)
                {
                    Sequence = entry.Sequence,
                    PacketId = entry.PacketId,
                    Released = entry.Released,
                });
            }

            session.Restore(stored.ProtocolVersion, stored.ExpiryInterval, entries, stored.InboundQoS2);
            foreach (var stream in stored.RetainedStreams)
            {
                // Matched again, in topic order, from after the last one taken (the retained store is loaded first).
                var matched = router.RetainedMessages.Match(stream.Filter);
                session.Outbox.AddRetainedStream(RetainedStream.Resumable(stream.Filter, matched, stream.QoS, stream.SubscriptionIds?.ToList(), stream.After));
            }

            messages += entries.Count;
            _sessions[stored.ClientId] = session;

            // Offline until its client comes back. A session stored as online lost its connection in the crash:
            // its expiry and a delayed will count from now.
            session.RestoreOffline(stored.ExpiresAt, now, timeProvider, Expire);
            if (stored.Will is { } will)
            {
                var client = new MqttClientInfo { ClientId = stored.ClientId, ProtocolVersion = stored.ProtocolVersion, Transport = "restored" };
                session.DelayWill(will, client, stored.WillAt ?? now.AddSeconds(stored.WillDelayInterval), now, timeProvider, PublishWill);
            }
        }

        return (snapshot.Sessions.Count, messages, lastSequence, lastMessageId);
    }

    /// <summary>
    /// Saves a stored session's own record (not its subscriptions or outbox): at connect, at disconnect (with the
    /// offline deadline the session decided and a delayed will), and when a delayed will went out. Called under the
    /// session's lock.
    /// </summary>
    private void SaveSession(MqttSession session, MqttApplicationMessage? will, uint willDelay, DateTimeOffset? willAt)
    {
        session.Journal?.Add(new MqttStoreChange.SessionSaved(new MqttStoredSession
        {
            ClientId = session.ClientId,
            ProtocolVersion = session.ProtocolVersion,
            ExpiryInterval = session.ExpiryInterval,
            ExpiresAt = session.ExpiresAt,
            Will = will,
            WillDelayInterval = willDelay,
            WillAt = willAt,
        }));
    }

    /// <summary>
    /// A session leaves the store (it ended, or now ends with its connection): its record, subscriptions, outbox and
    /// inbound identifiers go, and its references to message bodies with them.
    /// </summary>
    private void ForgetStoredSession(MqttSession session, IEnumerable<OutboundMessage> entries)
    {
        lock (session.Gate)
        {
            if (session.Journal is not { } journal)
            {
                return;
            }

            session.Journal = null;
            journal.Add(new MqttStoreChange.SessionRemoved(session.ClientId));
            foreach (var entry in entries)
            {
                if (entry.QoS > MqttQualityOfService.AtMostOnce)
                {
                    journal.Released(entry.Message);
                }
            }
        }
    }
}
