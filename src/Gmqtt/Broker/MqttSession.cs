using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Gmqtt.Subscriptions;

namespace Gmqtt.Broker;

/// <summary>
/// The state the standard keeps per client identifier: subscriptions, queued and in-flight QoS 1/2 messages,
/// inbound QoS 2 identifiers. It outlives connections when Clean Session is 0. All mutable state is guarded by
/// the session's own lock, never a global one; routing to one session never waits on another.
/// </summary>
internal sealed class MqttSession(string clientId, MqttBrokerOptions options)
{
    // Created on first use and kept: most sessions at scale are idle connections with nothing queued, nothing in
    // flight and few subscriptions, and four empty collections cost about 300 bytes per session.
    private Queue<OutboundMessage>? _queue;
    private Dictionary<ushort, OutboundMessage>? _inflight;
    private HashSet<ushort>? _inboundQoS2;
    private Dictionary<string, Subscription>? _subscriptions;
    private ushort _lastPacketId;
    private long _sequence;

    public string ClientId { get; } = clientId;

    /// <summary>
    /// Seconds the session outlives its connection: 0 ends it with the connection (Clean Session 1 in 3.x),
    /// <see cref="uint.MaxValue"/> never expires. Counted from the disconnect, not from the connect.
    /// </summary>
    public uint ExpiryInterval { get; set; }

    /// <summary>Whether the session ends when its connection closes.</summary>
    public bool EndsWithConnection => ExpiryInterval == 0;

    /// <summary>The timer that ends an offline session when its expiry interval passes; disposed on reconnect.</summary>
    public DeadlineTimer? ExpiryTimer { get; set; }

    /// <summary>An MQTT 5.0 will waiting for its Will Delay Interval; cancelled by a reconnect [MQTT-3.1.3-9].</summary>
    public (MqttApplicationMessage Message, Hooks.MqttClientInfo Client, DeadlineTimer Timer)? PendingWill { get; set; }

    public MqttProtocolVersion ProtocolVersion { get; set; }

    /// <summary>The live connection, or <see langword="null"/> while the client is offline.</summary>
    public MqttConnection? Connection { get; set; }

    /// <summary>Most unacknowledged QoS 1/2 messages at once: the option, or the client's Receive Maximum when lower.</summary>
    public int InflightLimit { get; set; } = options.MaxInflightMessages;

    /// <summary>The session's lock: the session itself, so that it costs no object of its own.</summary>
    public object Gate => this;

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

    public Subscription[] GetSubscriptions()
    {
        lock (Gate)
        {
            return _subscriptions is null ? [] : [.. _subscriptions.Values];
        }
    }

    public int SubscriptionCount
    {
        get
        {
            lock (Gate)
            {
                return _subscriptions?.Count ?? 0;
            }
        }
    }

    /// <summary>Records a subscription; returns false when it replaced one to the same filter.</summary>
    public bool SetSubscription(Subscription subscription)
    {
        lock (Gate)
        {
            var subscriptions = _subscriptions ??= new Dictionary<string, Subscription>(StringComparer.Ordinal);
            var isNew = !subscriptions.ContainsKey(subscription.Filter);
            subscriptions[subscription.Filter] = subscription;
            return isNew;
        }
    }

    public bool HasSubscription(string filter)
    {
        lock (Gate)
        {
            return _subscriptions?.ContainsKey(filter) ?? false;
        }
    }

    public bool RemoveSubscription(string filter)
    {
        lock (Gate)
        {
            return _subscriptions?.Remove(filter) ?? false;
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
            connection = Connection;
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
            }

            queue.Enqueue(message);
        }

        connection?.SignalWriter();
        return null;
    }

    /// <summary>
    /// Moves queued messages into <paramref name="batch"/> while the in-flight window allows, in queue order.
    /// QoS 1/2 messages get a packet identifier and enter the in-flight set; a QoS 0 message behind a full window
    /// waits too, so that messages are never reordered [MQTT-4.6.0-6]. Messages whose MQTT 5.0 Message Expiry
    /// Interval has passed are not sent [MQTT-3.3.2-5]; they go to <paramref name="expired"/>.
    /// </summary>
    public void TakeSendable(List<OutboundMessage> batch, int maxBatch, TimeProvider time, ref List<OutboundMessage>? expired)
    {
        lock (Gate)
        {
            if (_queue is not { } queue)
            {
                return;
            }

            while (batch.Count < maxBatch && queue.TryPeek(out var next))
            {
                if (next.Message.ExpiresAt is not null && next.Message.RemainingExpiry(time) == 0)
                {
                    queue.Dequeue();
                    (expired ??= []).Add(next);
                    continue;
                }

                if (next.QoS > MqttQualityOfService.AtMostOnce)
                {
                    var inflight = _inflight ??= [];
                    if (inflight.Count >= InflightLimit)
                    {
                        return;
                    }

                    next.PacketId = NextPacketId(inflight);
                    next.Sequence = ++_sequence;
                    inflight.Add(next.PacketId, next);
                }

                queue.Dequeue();
                batch.Add(next);
            }
        }
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

    /// <summary>PUBACK (QoS 1) or PUBCOMP (QoS 2) arrived: the exchange is over.</summary>
    public bool Complete(ushort packetId, MqttQualityOfService expected)
    {
        lock (Gate)
        {
            if (_inflight is null || !_inflight.TryGetValue(packetId, out var message) || message.QoS != expected)
            {
                return false;
            }

            _inflight.Remove(packetId);
            return true;
        }
    }

    /// <summary>PUBREC arrived for a QoS 2 message: from now on PUBREL is owed, not PUBLISH.</summary>
    public bool Release(ushort packetId)
    {
        lock (Gate)
        {
            if (_inflight is null || !_inflight.TryGetValue(packetId, out var message) || message.QoS != MqttQualityOfService.ExactlyOnce)
            {
                return false;
            }

            message.Released = true;
            return true;
        }
    }

    /// <summary>Inbound QoS 2 exchanges waiting for PUBREL: what counts against the broker's Receive Maximum.</summary>
    public int InboundQoS2Count
    {
        get
        {
            lock (Gate)
            {
                return _inboundQoS2?.Count ?? 0;
            }
        }
    }

    /// <summary>Inbound QoS 2: whether this identifier awaits its PUBREL (a PUBLISH with it is a re-send).</summary>
    public bool IsInboundQoS2Pending(ushort packetId)
    {
        lock (Gate)
        {
            return _inboundQoS2?.Contains(packetId) ?? false;
        }
    }

    /// <summary>Inbound QoS 2: records the identifier; false when it is already pending (a duplicate).</summary>
    public bool AddInboundQoS2(ushort packetId)
    {
        lock (Gate)
        {
            return (_inboundQoS2 ??= []).Add(packetId);
        }
    }

    /// <summary>Inbound QoS 2: PUBREL arrived; forget the identifier [MQTT-4.3.3-9 in 3.1.1 numbering: -11].</summary>
    public bool RemoveInboundQoS2(ushort packetId)
    {
        lock (Gate)
        {
            return _inboundQoS2?.Remove(packetId) ?? false;
        }
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
            connection = Connection;
            if ((connection is not null) != online || _queue?.Count >= options.MaxQueuedMessages ||
                (!online && message.QoS == MqttQualityOfService.AtMostOnce && !options.QueueQoS0WhenOffline))
            {
                return false;
            }

            (_queue ??= new Queue<OutboundMessage>()).Enqueue(message);
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
        }

        Connection?.SignalWriter();
    }

    /// <summary>Removes everything still queued or in flight (when the session ends) and returns it.</summary>
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
                dropped.AddRange(_inflight.Values);
            }

            _queue = null;
            _inflight = null;
            _inboundQoS2 = null;
            _subscriptions = null;
            return dropped;
        }
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
}
