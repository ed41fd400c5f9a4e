using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Gmqtt.Storage;
using Gmqtt.Subscriptions;

namespace Gmqtt.Broker;

/// <summary>
/// What a session owes its client, and the QoS state machine that settles it: the bounded queue, the retained
/// streams of new subscriptions, the in-flight window with its packet identifiers, and the acknowledgements that move
/// an entry on (<see cref="OnPubAck"/>, <see cref="OnPubRec"/>, <see cref="OnPubComp"/>). A stored session's outbox
/// journals every change of its entries to the store and holds back an entry until its change is committed
/// (<see cref="OutboundMessage.AwaitingCommit"/>, <see cref="CommitCompleted(OutboundMessage)"/>); nothing else writes them.
/// </summary>
/// <remarks>
/// Guarded by its session's lock, the one the session's state machine takes too: whether the session is online decides
/// what a delivery does, atomically with the delivery. The connection only translates packets into these calls.
/// <code>
///   Enqueue ─► queue ─► TakeSendable ─► in flight (packet id) ─► QoS 1: PUBACK ─────────────► OnPubAck: done
///   retained stream ───┘                                        QoS 2: PUBREC ─► OnPubRec: PUBREL owed
///                                                                       PUBCOMP ─► OnPubComp: done
/// </code>
/// </remarks>
internal sealed class Outbox(MqttSession session, MqttBrokerOptions options)
{
    // Created on first use and kept: most sessions at scale are idle connections with nothing queued, nothing in
    // flight and no retained stream, and empty collections cost about 100 bytes each.
    private Queue<OutboundMessage>? _queue;
    private Dictionary<ushort, OutboundMessage>? _inflight;
    private Queue<RetainedStream>? _retained;

    /// <summary>A retained QoS 2 message of a stored session waiting for its packet identifier's commit; the streams wait behind it.</summary>
    private OutboundMessage? _retainedHeld;

    private bool _retainedFirst;
    private ushort _lastPacketId;
    private long _sequence;

    /// <summary>The client identifier of the session, as the store knows the outbox.</summary>
    public string ClientId => session.ClientId;

    /// <summary>
    /// Most unacknowledged QoS 1/2 messages at once: the option, or the client's Receive Maximum when lower. Set by
    /// <see cref="MqttSession.Attach"/>, under the session's lock.
    /// </summary>
    public int InflightLimit { get; set; } = options.MaxInflightMessages;

    private object Gate => session.Gate;

    /// <summary>The store writer while the session is stored; every change of an entry goes to it.</summary>
    private MqttStoreWriter? Journal => session.Journal;

    public int QueuedCount
    {
        get
        {
            lock (Gate)
            {
                return _queue?.Count ?? 0;
            }
        }
    }

    /// <summary>Retained messages of new subscriptions not sent yet (<see cref="RetainedStream"/>); not in <see cref="QueuedCount"/>.</summary>
    public int PendingRetainedCount
    {
        get
        {
            lock (Gate)
            {
                return _retained?.Sum(static s => s.Remaining) ?? 0;
            }
        }
    }

    public int InflightCount
    {
        get
        {
            lock (Gate)
            {
                return _inflight?.Count ?? 0;
            }
        }
    }

    /// <summary>
    /// Adds the retained messages of a new subscription, sent as the in-flight window and the socket allow. One
    /// still pending for the same filter is replaced, so that re-subscribing does not send them twice.
    /// </summary>
    public void AddRetainedStream(RetainedStream stream)
    {
        MqttConnection? connection;
        lock (Gate)
        {
            connection = session.Connection;
            RemoveRetainedStream(stream.Filter);
            (_retained ??= new Queue<RetainedStream>()).Enqueue(stream);
            if (Journal is { } journal)
            {
                stream.AwaitingCommit = journal.AcknowledgeAfterCommit;
                journal.Add(new MqttStoreChange.RetainedStreamSaved(session.ClientId, stream.ToStored())
                {
                    Live = stream.AwaitingCommit ? stream : null,
                    LiveOutbox = this,
                });
            }
            // The next write round starts with it: retained messages that fit in one round go before anything routed
            // after the subscription, as clients expect; after that, rounds alternate (TakeSendable).
            _retainedFirst = true;
        }

        connection?.SignalWriter();
    }

    /// <summary>Cancels the unsent rest of a subscription's retained messages. Called under the session's lock.</summary>
    public void RemoveRetainedStream(string filter)
    {
        if (_retained is { } streams && streams.Any(s => s.Filter == filter))
        {
            var kept = streams.Where(s => s.Filter != filter).ToArray();
            _retained = kept.Length == 0 ? null : new Queue<RetainedStream>(kept);
            Journal?.Add(new MqttStoreChange.RetainedStreamRemoved(session.ClientId, filter));
        }
    }

    /// <summary>
    /// Queues a message for delivery. Returns the reason when it is dropped instead: the queue is bounded and a
    /// full queue never blocks the publisher. The evicted message (drop-oldest) is returned through <paramref name="evicted"/>.
    /// </summary>
    public MqttDropReason? Enqueue(OutboundMessage message, out OutboundMessage? evicted)
    {
        evicted = null;
        MqttConnection? connection;
        lock (Gate)
        {
            connection = session.Connection;
            if (connection is null && message.QoS == MqttQualityOfService.AtMostOnce && !options.QueueQoS0WhenOffline)
            {
                return MqttDropReason.OfflineQoS0;
            }

            var queue = _queue ??= new Queue<OutboundMessage>();
            if (queue.Count >= options.MaxQueuedMessages)
            {
                if (options.QueueOverflowPolicy == MqttQueueOverflowPolicy.DropNewest)
                {
                    return MqttDropReason.QueueFull;
                }

                evicted = queue.Dequeue();
                if (evicted.QoS > MqttQualityOfService.AtMostOnce)
                {
                    Journal?.Removed(this, evicted);
                }
            }

            queue.Enqueue(message);
            if (message.QoS > MqttQualityOfService.AtMostOnce)
            {
                Journal?.Enqueued(this, message);
            }
        }

        connection?.SignalWriter();
        return null;
    }

    /// <summary>
    /// Shared subscriptions: queues the message only when the session is online (<paramref name="online"/>) or
    /// offline (otherwise) and its queue has room, so that a group can try another member. Never drops or evicts.
    /// </summary>
    public bool TryEnqueueShared(OutboundMessage message, bool online)
    {
        MqttConnection? connection;
        lock (Gate)
        {
            connection = session.Connection;
            if ((connection is not null) != online || _queue?.Count >= options.MaxQueuedMessages ||
                (!online && message.QoS == MqttQualityOfService.AtMostOnce && !options.QueueQoS0WhenOffline))
            {
                return false;
            }

            (_queue ??= new Queue<OutboundMessage>()).Enqueue(message);
            if (message.QoS > MqttQualityOfService.AtMostOnce)
            {
                Journal?.Enqueued(this, message);
            }
        }

        connection?.SignalWriter();
        return true;
    }

    /// <summary>Shared subscriptions: takes the queued (never sent) messages of one group out of the queue.</summary>
    public List<OutboundMessage> TakeQueued(SharedSubscriptionGroup group)
    {
        lock (Gate)
        {
            if (_queue is not { } queue)
            {
                return [];
            }

            var taken = queue.Where(m => m.SharedGroup == group).ToList();
            if (taken.Count > 0)
            {
                foreach (var message in taken.Where(m => m.QoS > MqttQualityOfService.AtMostOnce))
                {
                    Journal?.Removed(this, message);
                }

                var kept = queue.Where(m => m.SharedGroup != group).ToArray();
                queue.Clear();
                foreach (var message in kept)
                {
                    queue.Enqueue(message);
                }
            }

            return taken;
        }
    }

    /// <summary>Puts messages that <see cref="TakeQueued"/> took and nobody else could take back at the head of the queue.</summary>
    public void ReturnQueued(List<OutboundMessage> messages)
    {
        lock (Gate)
        {
            var queue = _queue ??= new Queue<OutboundMessage>();
            var rest = queue.ToArray();
            queue.Clear();
            foreach (var message in messages.Concat(rest))
            {
                queue.Enqueue(message);
            }

            foreach (var message in messages.Where(m => m.QoS > MqttQualityOfService.AtMostOnce))
            {
                Journal?.Enqueued(this, message);
            }
        }

        session.Connection?.SignalWriter();
    }

    /// <summary>
    /// Moves sendable messages into <paramref name="batch"/>, up to <paramref name="maxBatch"/>: from the queue and
    /// from the pending retained streams, alternating which goes first each round so that a large retained stream
    /// and a busy queue share the link and neither waits for the other to drain. Each source keeps its own order.
    /// </summary>
    public void TakeSendable(List<OutboundMessage> batch, int maxBatch, TimeProvider time, ref List<OutboundMessage>? expired)
    {
        lock (Gate)
        {
            var retainedFirst = _retainedFirst;
            _retainedFirst = !retainedFirst;
            if (retainedFirst)
            {
                TakeFromRetained(batch, maxBatch, time);
            }

            TakeFromQueue(batch, maxBatch, time, ref expired);
            if (!retainedFirst)
            {
                TakeFromRetained(batch, maxBatch, time);
            }
        }
    }

    /// <summary>
    /// Moves queued messages into <paramref name="batch"/> while the in-flight window allows, in queue order.
    /// QoS 1/2 messages get a packet identifier and enter the in-flight set; a QoS 0 message behind a full window
    /// waits too, so that messages are never reordered [MQTT-4.6.0-6]. Messages whose MQTT 5.0 Message Expiry
    /// Interval has passed are not sent [MQTT-3.3.2-5]; they go to <paramref name="expired"/>.
    /// </summary>
    private void TakeFromQueue(List<OutboundMessage> batch, int maxBatch, TimeProvider time, ref List<OutboundMessage>? expired)
    {
        if (_queue is not { } queue)
        {
            return;
        }

        while (batch.Count < maxBatch && queue.TryPeek(out var next))
        {
            if (next.AwaitingCommit)
            {
                return; // Not committed yet: neither it nor anything behind it goes out before it is.
            }

            if (next.Message.ExpiresAt is not null && next.Message.RemainingExpiry(time) == 0)
            {
                queue.Dequeue();
                (expired ??= []).Add(next);
                if (next.QoS > MqttQualityOfService.AtMostOnce)
                {
                    Journal?.Removed(this, next);
                }

                continue;
            }

            if (next.QoS > MqttQualityOfService.AtMostOnce && next.PacketId == 0)
            {
                if (InflightFull)
                {
                    return;
                }

                EnterInflight(next);
                if (next.QoS == MqttQualityOfService.ExactlyOnce && Journal is { } journal)
                {
                    // QoS 2: the packet identifier is committed before the PUBLISH goes out, so that a re-send after a
                    // crash carries the same one and the client does not take it for a new message.
                    journal.Updated(this, next, holdUntilCommitted: true);
                    if (next.AwaitingCommit)
                    {
                        return; // Stays at the head of the queue until CommitCompleted.
                    }
                }
            }

            queue.Dequeue();
            batch.Add(next);
        }
    }

    /// <summary>
    /// Moves retained messages of the pending streams into <paramref name="batch"/>, oldest stream first and each
    /// in its order, as <see cref="TakeFromQueue"/> does for the queue. A message whose Message Expiry Interval has
    /// passed is skipped: it is no longer retained (section 3.3.2.3.3), so it was never owed and is not a drop.
    /// </summary>
    private void TakeFromRetained(List<OutboundMessage> batch, int maxBatch, TimeProvider time)
    {
        if (Journal is not { } journal || _retained is null)
        {
            TakeFromRetainedStreams(batch, maxBatch, time);
            return;
        }

        // A stored session: what this round takes and where each stream now stands are one unit of the store, so a
        // restart resumes after the last message whose entry (QoS 1/2) was kept, never before and never further.
        var before = _retained.Select(static s => (Stream: s, s.Next)).ToArray();
        journal.BeginUnit();
        try
        {
            TakeFromRetainedStreams(batch, maxBatch, time);
            foreach (var (stream, next) in before)
            {
                if (stream.Next != next)
                {
                    journal.Add(stream.Remaining == 0
                        ? new MqttStoreChange.RetainedStreamRemoved(session.ClientId, stream.Filter)
                        : new MqttStoreChange.RetainedStreamSaved(session.ClientId, stream.ToStored()));
                }
            }
        }
        finally
        {
            journal.EndUnit();
        }
    }

    private void TakeFromRetainedStreams(List<OutboundMessage> batch, int maxBatch, TimeProvider time)
    {
        if (_retainedHeld is { } held)
        {
            if (held.AwaitingCommit)
            {
                return;
            }

            _retainedHeld = null;
            batch.Add(held);
        }

        while (batch.Count < maxBatch && _retained is { } streams)
        {
            var stream = streams.Peek();
            if (stream.AwaitingCommit)
            {
                return; // Started once its record is committed (CommitCompleted).
            }

            if (stream.Remaining == 0)
            {
                streams.Dequeue();
                if (streams.Count == 0)
                {
                    _retained = null; // Most sessions have none: keep them small.
                }

                continue;
            }

            var message = stream.Messages[stream.Next];
            if (message.ExpiresAt is not null && message.RemainingExpiry(time) == 0)
            {
                stream.Next++;
                continue;
            }

            // Sent with RETAIN 1 [MQTT-3.3.1-8] (3.1.1: [MQTT-3.3.1-6]) at the lower QoS [MQTT-3.8.4-8].
            var qos = (MqttQualityOfService)Math.Min((byte)message.QoS, (byte)stream.QoS);
            if (qos > MqttQualityOfService.AtMostOnce && InflightFull)
            {
                return;
            }

            var next = new OutboundMessage(message, qos, retain: true, stream.SubscriptionIds);
            stream.Next++;
            if (qos > MqttQualityOfService.AtMostOnce)
            {
                EnterInflight(next);
                if (Journal is { } journal)
                {
                    // A stored session keeps it from here on. QoS 1 goes out at once (a re-delivery after a crash is what
                    // QoS 1 allows); QoS 2 waits for its packet identifier's commit, and the stream waits behind it.
                    journal.Enqueued(this, next);
                    if (next.AwaitingCommit)
                    {
                        _retainedHeld = next;
                        return;
                    }
                }
            }

            batch.Add(next);
        }
    }

    private bool InflightFull => _inflight?.Count >= InflightLimit;

    /// <summary>Gives a QoS 1/2 message a packet identifier and an in-flight slot (the window has room).</summary>
    private void EnterInflight(OutboundMessage message)
    {
        var inflight = _inflight ??= [];
        message.PacketId = NextPacketId(inflight);
        // A stored entry keeps the sequence it was stored under: it is its identity in the store, unique over all
        // sessions. A new one of a stored session (a retained message taken now) gets one from the store writer.
        if (message.Sequence == 0)
        {
            message.Sequence = Journal is { } journal ? journal.NextSequence() : ++_sequence;
        }

        _sequence = Math.Max(_sequence, message.Sequence);
        inflight.Add(message.PacketId, message);
    }

    private ushort NextPacketId(Dictionary<ushort, OutboundMessage> inflight)
    {
        // Called under the lock with fewer than 65,535 identifiers in use, so a free one exists.
        do
        {
            _lastPacketId = _lastPacketId == ushort.MaxValue ? (ushort)1 : (ushort)(_lastPacketId + 1);
        }
        while (inflight.ContainsKey(_lastPacketId));

        return _lastPacketId;
    }

    /// <summary>
    /// The in-flight messages in their original order, for a reconnecting client: unacknowledged PUBLISH and
    /// PUBREL are re-sent with their original packet identifiers before anything new [MQTT-4.4.0-1].
    /// </summary>
    public List<OutboundMessage> GetInflightInOrder()
    {
        lock (Gate)
        {
            if (_inflight is not { Count: > 0 } inflight)
            {
                return [];
            }

            var list = inflight.Values.ToList();
            list.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));
            return list;
        }
    }

    /// <summary>PUBACK arrived: the QoS 1 exchange is over. False when the identifier is not a QoS 1 message in flight.</summary>
    public bool OnPubAck(ushort packetId) => Complete(packetId, MqttQualityOfService.AtLeastOnce);

    /// <summary>
    /// PUBREC arrived for a QoS 2 message: from now on PUBREL is owed, not PUBLISH, and a stored session writes that
    /// down. A <paramref name="failed"/> PUBREC (an MQTT 5.0 reason code of 0x80 or above) ends the exchange instead
    /// (MQTT 5.0 section 4.3.3). False when the identifier is not a QoS 2 message in flight.
    /// </summary>
    public bool OnPubRec(ushort packetId, bool failed)
    {
        if (failed)
        {
            return Complete(packetId, MqttQualityOfService.ExactlyOnce);
        }

        lock (Gate)
        {
            if (_inflight is null || !_inflight.TryGetValue(packetId, out var message) || message.QoS != MqttQualityOfService.ExactlyOnce)
            {
                return false;
            }

            message.Released = true;
            Journal?.Updated(this, message, holdUntilCommitted: false);
            return true;
        }
    }

    /// <summary>PUBCOMP arrived: the QoS 2 exchange is over. False when the identifier is not a QoS 2 message in flight.</summary>
    public bool OnPubComp(ushort packetId) => Complete(packetId, MqttQualityOfService.ExactlyOnce);

    /// <summary>
    /// A message taken for sending that the client must not get (larger than its Maximum Packet Size): it is
    /// discarded as if it had completed [MQTT-3.1.2-25], and a QoS 1/2 one leaves the in-flight window.
    /// </summary>
    public void Discard(OutboundMessage message)
    {
        if (message.QoS > MqttQualityOfService.AtMostOnce)
        {
            Complete(message.PacketId, message.QoS);
        }
    }

    /// <summary>The exchange of an in-flight message is over: it leaves the window and the store.</summary>
    private bool Complete(ushort packetId, MqttQualityOfService expected)
    {
        lock (Gate)
        {
            if (_inflight is null || !_inflight.TryGetValue(packetId, out var message) || message.QoS != expected)
            {
                return false;
            }

            _inflight.Remove(packetId);
            Journal?.Removed(this, message);
            return true;
        }
    }

    /// <summary>The store committed <paramref name="entry"/>: it may go out now.</summary>
    public void CommitCompleted(OutboundMessage entry)
    {
        lock (Gate)
        {
            entry.AwaitingCommit = false;
        }

        session.Connection?.SignalWriter();
    }

    /// <summary>The store committed a new retained stream's record: it may start now.</summary>
    public void CommitCompleted(RetainedStream stream)
    {
        lock (Gate)
        {
            stream.AwaitingCommit = false;
        }

        session.Connection?.SignalWriter();
    }

    /// <summary>Everything queued or in flight, without removing it.</summary>
    public List<OutboundMessage> GetEntries()
    {
        lock (Gate)
        {
            return [.. (_queue ?? []).Concat(_inflight?.Values ?? Enumerable.Empty<OutboundMessage>()).Distinct()];
        }
    }

    /// <summary>
    /// Removes everything still queued or in flight (when the session ends) and returns it. Pending retained
    /// streams are discarded and not returned: their messages stay in the retained store, nothing was lost.
    /// </summary>
    public List<OutboundMessage> Clear()
    {
        lock (Gate)
        {
            var dropped = new List<OutboundMessage>((_queue?.Count ?? 0) + (_inflight?.Count ?? 0));
            if (_queue is not null)
            {
                dropped.AddRange(_queue);
            }

            if (_inflight is not null)
            {
                // A QoS 2 entry waiting for its packet identifier's commit is in both the queue and the window.
                dropped.AddRange(_inflight.Values.Where(m => !(_queue?.Contains(m) ?? false)));
            }

            _queue = null;
            _retained = null;
            _retainedHeld = null;
            _inflight = null;
            return dropped;
        }
    }

    /// <summary>
    /// Puts back what the store held at start: in-flight entries (with a packet identifier) keep it and are re-sent
    /// first on reconnect; the others are queued in their order. Nothing is written back to the store.
    /// </summary>
    public void Restore(IEnumerable<OutboundMessage> entries)
    {
        lock (Gate)
        {
            foreach (var entry in entries.OrderBy(e => e.Sequence))
            {
                if (entry.PacketId != 0 && (_inflight ??= []).TryAdd(entry.PacketId, entry))
                {
                    entry.Sent = true;
                }
                else
                {
                    entry.PacketId = 0;
                    (_queue ??= new Queue<OutboundMessage>()).Enqueue(entry);
                }

                _sequence = Math.Max(_sequence, entry.Sequence);
                _lastPacketId = Math.Max(_lastPacketId, entry.PacketId);
            }
        }
    }
}
