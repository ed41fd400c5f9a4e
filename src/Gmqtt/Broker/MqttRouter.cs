using Gmqtt.Diagnostics;
using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Topics;
using Gmqtt.Storage;
using Gmqtt.Subscriptions;

namespace Gmqtt.Broker;

/// <summary>
/// Routing, one path for every message: publish hooks ─► the retained store ─► the subscription tree ─► each matching
/// session's outbox through <see cref="Deliver"/>; shared subscription groups and their re-offers; and subscribing
/// (one decision for a SUBSCRIBE and the server-side API) with the retained messages a new subscription gets. No lock
/// is held across sessions: the tree is read lock-free and each enqueue takes only that session's lock.
/// </summary>
internal sealed partial class MqttRouter(
    MqttBrokerOptions options,
    MqttHookRunner hooks,
    IMqttRetainedMessageStore retainedMessages,
    MqttStoreWriter? storeWriter,
    MqttBrokerCounters counters,
    TimeProvider timeProvider)
{
    /// <summary>Every subscription of every session, shared ones in their groups.</summary>
    public SubscriptionTree Subscriptions { get; } = new();

    /// <summary>The retained store as the broker sees it (journaled when the session store is durable).</summary>
    public IMqttRetainedMessageStore RetainedMessages => retainedMessages;

    [ThreadStatic]
    private static List<Subscription>? t_matches;

    /// <summary>
    /// The outcome of routing one message: the reason code for PUBACK/PUBREC, a hook's reason string, and whether the
    /// message was written to the session store (then its acknowledgement waits for the commit).
    /// </summary>
    internal readonly record struct PublishResult(MqttReasonCode Code, string? ReasonString = null, bool Stored = false);

    /// <summary>
    /// Publishes one of the broker's own <c>$SYS</c> messages: retained and routed as any other, but the publish
    /// hooks do not see it (it is not a client's, and would reach them every few seconds). Reading <c>$SYS</c> is
    /// still under the subscribe hooks.
    /// </summary>
    internal ValueTask<PublishResult> PublishSysAsync(MqttApplicationMessage message) =>
        PublishAsync(message, client: null, runHooks: false);

    /// <param name="message">The message, after the read loop's checks.</param>
    /// <param name="client">Its publisher, or null for the server-side API.</param>
    /// <param name="runHooks">False for the broker's own <c>$SYS</c> values.</param>
    /// <param name="inboundQoS2">A stored publisher's inbound QoS 2 identifier: stored in one unit with the message's
    /// routing, so that a crash keeps both or neither (a re-sent PUBLISH is then either a known duplicate or routed once).</param>
    internal async ValueTask<PublishResult> PublishAsync(MqttApplicationMessage message, MqttClientInfo? client, bool runHooks = true, (MqttSession Session, ushort PacketId)? inboundQoS2 = null)
    {
        if (runHooks && hooks.HasHooks)
        {
            // Hooks run before the retained store is touched, so a refused message is never retained.
            var context = new MqttPublishContext { Client = client, Message = message };
            await hooks.OnPublishAsync(context).ConfigureAwait(false);
            if (context.ReasonCode is { } refused && refused >= MqttReasonCode.UnspecifiedError)
            {
                return new PublishResult(refused, context.ReasonString);
            }
        }

        // The Message Expiry Interval counts from now, after the hooks, which may have changed it; the queues and the
        // retained store keep the absolute time.
        message.StartExpiry(timeProvider);
        var (delivered, drops, stored) = RetainAndRoute(message, inboundQoS2);
        if (storeWriter is not null && message.QoS > MqttQualityOfService.AtMostOnce)
        {
            lock (message)
            {
                stored |= message.StoreReferences > 0; // Queued for at least one stored session.
            }
        }

        await ReportDropsAsync(drops).ConfigureAwait(false);
        return new PublishResult(delivered == 0 ? MqttReasonCode.NoMatchingSubscribers : MqttReasonCode.Success, Stored: stored);
    }

    /// <summary>
    /// Updates the retained store and routes the message, as one unit of the session store when it is durable, with a
    /// stored publisher's inbound QoS 2 identifier: a crash keeps all of it or none. Synchronous, so the unit is this
    /// thread's. <c>Stored</c> says whether anything was written (the acknowledgement then waits for the commit).
    /// </summary>
    private (int Delivered, List<DroppedMessage>? Drops, bool Stored) RetainAndRoute(MqttApplicationMessage message, (MqttSession Session, ushort PacketId)? inboundQoS2)
    {
        var stored = false;
        storeWriter?.BeginUnit();
        try
        {
            if (inboundQoS2 is ({ Journal: { } journal } publisher, var packetId))
            {
                journal.Add(new MqttStoreChange.InboundQoS2Changed(publisher.ClientId, packetId, Pending: true));
                stored = true;
            }

            if (message.Retain)
            {
                if (message.Payload.IsEmpty)
                {
                    // A zero-length retained payload clears the retained message [MQTT-3.3.1-10] and is not stored [MQTT-3.3.1-11].
                    stored |= retainedMessages.Remove(message.Topic) && storeWriter is not null && !SysTopicPublisher.IsBrokerSysTopic(message.Topic);
                }
                else
                {
                    // A retained message replaces any earlier one on its topic [MQTT-3.3.1-5] (3.1.1: [MQTT-3.3.1-5]).
                    retainedMessages.Set(message);
                    stored |= storeWriter is not null && !SysTopicPublisher.IsBrokerSysTopic(message.Topic);
                }
            }

            var (delivered, drops) = Route(message);
            return (delivered, drops, stored);
        }
        finally
        {
            storeWriter?.EndUnit();
        }
    }

    /// <summary>
    /// Hands the message to every matching session's queue. No lock is held across sessions: the tree is read
    /// lock-free and each enqueue takes only that session's lock. Returns how many sessions it was queued for,
    /// and the drops when hooks want to hear about them.
    /// </summary>
    private (int Delivered, List<DroppedMessage>? Drops) Route(MqttApplicationMessage message)
    {
        var matches = t_matches ??= [];
        var targets = t_targets ??= [];
        matches.Clear();
        targets.Clear();
        Subscriptions.Match(message.Topic, matches);
        CollectTargets(matches, targets, options.DeliverOverlappingSubscriptionsOnce);

        List<DroppedMessage>? drops = null;
        var delivered = 0;
        OutboundMessage? qos0 = null, qos0Retained = null;
        foreach (var target in targets)
        {
            if (target.NoLocal && target.Session.ClientId == message.SenderClientId)
            {
                continue; // MQTT 5.0 No Local [MQTT-3.8.3-3].
            }

            // Delivered at the lower of the published and the granted QoS [MQTT-3.8.4-8] (3.1.1: [MQTT-3.8.4-6]);
            // forwarded with RETAIN 0 unless Retain As Published [MQTT-3.3.1-12] (3.1.1: [MQTT-3.3.1-9]).
            var deliveryQoS = (MqttQualityOfService)Math.Min((byte)target.QoS, (byte)message.QoS);
            var retain = target.RetainAsPublished && message.Retain;
            var outbound = deliveryQoS == MqttQualityOfService.AtMostOnce && target.SubscriptionIds is null
                // A QoS 0 delivery without subscription identifiers has nothing per session: one instance serves all.
                ? retain ? qos0Retained ??= new OutboundMessage(message, deliveryQoS, retain: true, null) : qos0 ??= new OutboundMessage(message, deliveryQoS, retain: false, null)
                : new OutboundMessage(message, deliveryQoS, retain, target.SubscriptionIds);
            Deliver(target.Session, outbound, ref drops);
            delivered++;
        }

        delivered += RouteShared(message, ref drops);
        matches.Clear();
        targets.Clear();
        return (delivered, drops);
    }

    /// <summary>A message that did not reach <paramref name="ClientId"/>'s queue, as the drop hooks hear of it.</summary>
    internal readonly record struct DroppedMessage(string ClientId, MqttApplicationMessage Message, MqttDropReason Reason);

    /// <summary>
    /// The one enqueue-and-count every delivery goes through (routed, retained on subscribe, a shared group's last
    /// resort): queues <paramref name="outbound"/> for <paramref name="session"/> and tells the session store of a
    /// queued QoS 1/2 message; a drop is counted by its reason and, when there are hooks, added to
    /// <paramref name="drops"/> for <see cref="ReportDropsAsync"/>: the new message when it is refused (queue full
    /// under <see cref="MqttQueueOverflowPolicy.DropNewest"/>, QoS 0 for an offline session), the evicted one when
    /// it made room (<see cref="MqttQueueOverflowPolicy.DropOldest"/>).
    /// </summary>
    internal void Deliver(MqttSession session, OutboundMessage outbound, ref List<DroppedMessage>? drops)
    {
        if (session.Outbox.Enqueue(outbound, out var evicted) is { } refused)
        {
            Dropped(session, outbound.Message, refused, ref drops);
            return;
        }

        // A stored session wrote the entry (and an evicted one's removal) to the session store as it queued it.
        if (evicted is not null)
        {
            Dropped(session, evicted.Message, MqttDropReason.QueueFull, ref drops);
        }
    }

    private void Dropped(MqttSession session, MqttApplicationMessage message, MqttDropReason reason, ref List<DroppedMessage>? drops)
    {
        counters.CountDrop(reason);
        if (hooks.HasHooks)
        {
            (drops ??= []).Add(new DroppedMessage(session.ClientId, message, reason));
        }
    }

    /// <summary>Tells the hooks of the drops <see cref="Deliver"/> collected, once the routing that made them is over.</summary>
    internal async ValueTask ReportDropsAsync(List<DroppedMessage>? drops)
    {
        if (drops is null)
        {
            return;
        }

        foreach (var drop in drops)
        {
            await hooks.OnMessageDroppedAsync(drop.ClientId, drop.Message, drop.Reason).ConfigureAwait(false);
        }
    }

    [ThreadStatic]
    private static List<DeliveryTarget>? t_targets;

    [ThreadStatic]
    private static Dictionary<MqttSession, int>? t_firstMatch;

    /// <summary>One delivery to one session, possibly standing for several overlapping subscriptions.</summary>
    private record struct DeliveryTarget(MqttSession Session, MqttQualityOfService QoS, bool RetainAsPublished, bool NoLocal, List<uint>? SubscriptionIds);

    /// <summary>
    /// Turns matching subscriptions into deliveries. With <paramref name="once"/>, overlapping subscriptions of
    /// one session become one delivery at the highest granted QoS ([MQTT-3.3.5-1] allows either way) carrying every
    /// matching subscription identifier [MQTT-3.3.4-4]; otherwise each subscription is its own delivery [MQTT-3.3.4-5].
    /// </summary>
    private static void CollectTargets(List<Subscription> matches, List<DeliveryTarget> targets, bool once)
    {
        if (!once || matches.Count == 1)
        {
            foreach (var match in matches)
            {
                targets.Add(new DeliveryTarget(match.Session, match.QoS, match.RetainAsPublished, match.NoLocal, match.SubscriptionIds));
            }

            return;
        }

        // Few matches (the common case): a linear search of the targets so far beats hashing every session.
        var first = matches.Count <= LinearMergeLimit ? null : t_firstMatch ??= new Dictionary<MqttSession, int>(ReferenceEqualityComparer.Instance);
        first?.Clear();
        foreach (var match in matches)
        {
            var index = first is null ? IndexOfSession(targets, match.Session) : first.GetValueOrDefault(match.Session, -1);
            if (index >= 0)
            {
                var merged = targets[index];
                var ids = merged.SubscriptionIds;
                if (match.SubscriptionIdentifier is { } id)
                {
                    // A new list: the one a target starts with belongs to its subscription and is shared.
                    ids = ids is null ? [id] : [.. ids, id];
                }

                targets[index] = merged with
                {
                    QoS = (MqttQualityOfService)Math.Max((byte)merged.QoS, (byte)match.QoS),
                    RetainAsPublished = merged.RetainAsPublished | match.RetainAsPublished,
                    NoLocal = merged.NoLocal & match.NoLocal,
                    SubscriptionIds = ids,
                };
                continue;
            }

            first?.Add(match.Session, targets.Count);
            targets.Add(new DeliveryTarget(match.Session, match.QoS, match.RetainAsPublished, match.NoLocal, match.SubscriptionIds));
        }

        first?.Clear();
    }

    /// <summary>Up to this many matching subscriptions, <see cref="CollectTargets"/> finds a session's earlier target by linear search.</summary>
    private const int LinearMergeLimit = 16;

    private static int IndexOfSession(List<DeliveryTarget> targets, MqttSession session)
    {
        for (var i = 0; i < targets.Count; i++)
        {
            if (targets[i].Session == session)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Hands the retained messages matching a new subscription to its session as a <see cref="RetainedStream"/>: the
    /// write loop takes them as the client's window and socket allow. Queued at once instead, as many as the store
    /// holds, they would overflow the session's queue and be dropped; so nothing here drops.
    /// </summary>
    internal void DeliverRetained(Subscription subscription)
    {
        if (MqttTopic.IsShared(subscription.Filter))
        {
            return; // Only a new non-shared subscription gets them (MQTT 5.0 section 3.3.1.3).
        }

        var matched = retainedMessages.Match(subscription.Filter);
        foreach (var retained in matched)
        {
            if (retained.ExpiresAt is not null && retained.RemainingExpiry(timeProvider) == 0)
            {
                // Expired (section 3.3.2.3.3): the stream skips it; the store is cleaned here as nothing else sweeps it.
                retainedMessages.Remove(retained.Topic);
            }
        }

        if (matched.Count > 0)
        {
            subscription.Session.Outbox.AddRetainedStream(subscription.Session.Journal is null
                ? new RetainedStream(subscription.Filter, matched, subscription.QoS, subscription.SubscriptionIds)
                : RetainedStream.Resumable(subscription.Filter, matched, subscription.QoS, subscription.SubscriptionIds));
        }
    }
}
