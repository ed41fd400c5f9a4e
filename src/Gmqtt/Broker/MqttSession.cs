using Gmqtt.Protocol;
using Gmqtt.Subscriptions;

namespace Gmqtt.Broker;

/// <summary>
/// The state the standard keeps per client identifier: subscriptions, inbound QoS 2 identifiers, and the
/// <see cref="Broker.Outbox"/> of what is owed to the client (queued and in-flight QoS 1/2 messages, the retained
/// messages still owed to new subscriptions). It outlives connections when Clean Session is 0. All mutable state is
/// guarded by the session's own lock, never a global one; routing to one session never waits on another.
/// </summary>
internal sealed class MqttSession
{
    // Created on first use and kept: most sessions at scale are idle connections with no inbound QoS 2 exchange and
    // few subscriptions.
    private HashSet<ushort>? _inboundQoS2;
    private Dictionary<string, Subscription>? _subscriptions;

    public MqttSession(string clientId, MqttBrokerOptions options)
    {
        ClientId = clientId;
        Outbox = new Outbox(this, options);
    }

    public string ClientId { get; }

    /// <summary>What is owed to the client: the queue, retained streams, in-flight window and QoS acknowledgements.</summary>
    public Outbox Outbox { get; }

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

    /// <summary>
    /// The store writer while the session is stored (a durable store and an expiry interval above 0), or
    /// <see langword="null"/>: every change to its outbox and inbound QoS 2 identifiers then goes to the store.
    /// </summary>
    public MqttStoreWriter? Journal { get; set; }

    /// <summary>The session's lock: the session itself, so that it costs no object of its own.</summary>
    public object Gate => this;

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

    /// <summary>
    /// Removes a subscription and the unsent rest of its retained messages: MQTT lets the server either finish or
    /// stop them (section 3.10.4), and stopping spares the client messages it no longer wants.
    /// </summary>
    public bool RemoveSubscription(string filter)
    {
        lock (Gate)
        {
            Outbox.RemoveRetainedStream(filter);
            return _subscriptions?.Remove(filter) ?? false;
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
            if (!(_inboundQoS2 ??= []).Add(packetId))
            {
                return false;
            }

            Journal?.Add(new Storage.MqttStoreChange.InboundQoS2Changed(ClientId, packetId, Pending: true));
            return true;
        }
    }

    /// <summary>Inbound QoS 2: PUBREL arrived; forget the identifier [MQTT-4.3.3-9 in 3.1.1 numbering: -11].</summary>
    public bool RemoveInboundQoS2(ushort packetId)
    {
        lock (Gate)
        {
            if (_inboundQoS2?.Remove(packetId) != true)
            {
                return false;
            }

            Journal?.Add(new Storage.MqttStoreChange.InboundQoS2Changed(ClientId, packetId, Pending: false));
            return true;
        }
    }

    /// <summary>
    /// Ends the session's state: removes and returns everything its outbox still held (<see cref="Outbox.Clear"/>),
    /// and forgets its subscriptions and inbound QoS 2 identifiers.
    /// </summary>
    public List<OutboundMessage> Clear()
    {
        lock (Gate)
        {
            var dropped = Outbox.Clear();
            _inboundQoS2 = null;
            _subscriptions = null;
            return dropped;
        }
    }

    /// <summary>
    /// Puts back what the store held at start: the outbox's entries (<see cref="Outbox.Restore"/>) and the inbound
    /// QoS 2 identifiers awaiting PUBREL. Nothing is written back to the store.
    /// </summary>
    public void Restore(IEnumerable<OutboundMessage> entries, IEnumerable<ushort> inboundQoS2)
    {
        lock (Gate)
        {
            Outbox.Restore(entries);
            foreach (var packetId in inboundQoS2)
            {
                (_inboundQoS2 ??= []).Add(packetId);
            }
        }
    }
}
