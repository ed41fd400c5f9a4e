using Gmqtt.Hooks;
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

    /// <summary>Online, offline or ended (<see cref="MqttSessionState"/>); changed only by the transitions below, under the lock.</summary>
    public MqttSessionState State { get; private set; }

    /// <summary>The live connection, or <see langword="null"/> while the client is offline.</summary>
    public MqttConnection? Connection { get; private set; }

    public MqttProtocolVersion ProtocolVersion { get; private set; }

    /// <summary>
    /// Seconds the session outlives its connection: 0 ends it with the connection (Clean Session 1 in 3.x),
    /// <see cref="uint.MaxValue"/> never expires. Counted from the disconnect, not from the connect.
    /// </summary>
    public uint ExpiryInterval { get; private set; }

    /// <summary>Whether the session ends when its connection closes.</summary>
    public bool EndsWithConnection => ExpiryInterval == 0;

    /// <summary>When the offline session ends, as the store saves it; <see langword="null"/> while online, or never.</summary>
    public DateTimeOffset? ExpiresAt => _expiry?.Deadline;

    /// <summary>Ends the offline session at its deadline; disposed when a connection attaches or the session ends.</summary>
    private DeadlineTimer? _expiry;

    /// <summary>Counts expiry timers, so that a timer that fired just before an attach cannot end the next offline period.</summary>
    private int _expiryGeneration;

    /// <summary>
    /// Whether the expiry timer of <paramref name="generation"/> is still this session's deadline: offline since, and
    /// not attached and detached again meanwhile (which starts a later deadline).
    /// </summary>
    public bool IsExpiryDue(int generation)
    {
        lock (Gate)
        {
            return State == MqttSessionState.Offline && _expiry is not null && _expiryGeneration == generation;
        }
    }

    /// <summary>An MQTT 5.0 will waiting for its Will Delay Interval; cancelled by a reconnect [MQTT-3.1.3-9].</summary>
    private PendingWill? _pendingWill;

    /// <summary>
    /// A connection sent CONNECT for this session (the caller holds the client identifier's lock, and closed any
    /// connection attached before): online, with the CONNECT's protocol version, expiry interval and in-flight limit.
    /// Back online in time: the session does not expire and a delayed will is not sent [MQTT-3.1.3-9].
    /// </summary>
    public void Attach(MqttConnection connection, MqttProtocolVersion version, uint expiryInterval, int inflightLimit)
    {
        lock (Gate)
        {
            _expiry?.Dispose();
            _expiry = null;
            _pendingWill?.Timer.Dispose();
            _pendingWill = null;
            State = MqttSessionState.Online;
            Connection = connection;
            ProtocolVersion = version;
            ExpiryInterval = expiryInterval;
            Outbox.InflightLimit = inflightLimit;
        }
    }

    /// <summary>An MQTT 5.0 DISCONNECT changed the expiry interval (already checked and capped by the connection).</summary>
    public void SetExpiryInterval(uint seconds)
    {
        lock (Gate)
        {
            ExpiryInterval = seconds;
        }
    }

    /// <summary>
    /// <paramref name="connection"/> closed: offline from <paramref name="now"/> until the deadline its expiry interval
    /// sets (<see cref="Deadline"/>), when <paramref name="expire"/> runs; or, with an expiry interval of 0, to be
    /// ended now by the caller.
    /// </summary>
    public DetachResult Detach(MqttConnection connection, DateTimeOffset now, TimeProvider time, Action<MqttSession, int> expire)
    {
        lock (Gate)
        {
            if (Connection != connection)
            {
                return DetachResult.NotAttached;
            }

            State = MqttSessionState.Offline;
            Connection = null;
            if (EndsWithConnection)
            {
                return DetachResult.EndsNow;
            }

            if (Deadline(now, stored: null) is { } deadline)
            {
                var generation = ++_expiryGeneration;
                _expiry = new DeadlineTimer(time, now, deadline, () => expire(this, generation));
            }

            return DetachResult.Offline;
        }
    }

    /// <summary>
    /// Restored from the store at start: offline until the deadline it was stored with (one stored as online lost its
    /// connection in the crash, and counts from <paramref name="now"/>), when <paramref name="expire"/> runs.
    /// </summary>
    public void RestoreOffline(DateTimeOffset? storedDeadline, DateTimeOffset now, TimeProvider time, Action<MqttSession, int> expire)
    {
        lock (Gate)
        {
            State = MqttSessionState.Offline;
            if (Deadline(now, storedDeadline) is { } deadline)
            {
                var generation = ++_expiryGeneration;
                _expiry = new DeadlineTimer(time, now, deadline, () => expire(this, generation));
            }
        }
    }

    /// <summary>
    /// The one place an offline session's end is decided: <see cref="ExpiryInterval"/> seconds after it went offline
    /// at <paramref name="offlineSince"/>, or the deadline it was <paramref name="stored"/> with; never for
    /// <see cref="uint.MaxValue"/>.
    /// </summary>
    private DateTimeOffset? Deadline(DateTimeOffset offlineSince, DateTimeOffset? stored) =>
        ExpiryInterval == uint.MaxValue ? null : stored ?? offlineSince.AddSeconds(ExpiryInterval);

    /// <summary>
    /// Holds an MQTT 5.0 will until <paramref name="at"/> (its Will Delay Interval), when <paramref name="publish"/>
    /// runs; an attach first cancels it, and the session's end publishes it sooner.
    /// </summary>
    public void DelayWill(MqttApplicationMessage message, MqttClientInfo client, DateTimeOffset at, DateTimeOffset now, TimeProvider time, Action<MqttSession> publish)
    {
        lock (Gate)
        {
            _pendingWill = new PendingWill(message, client, new DeadlineTimer(time, now, at, () => publish(this)));
        }
    }

    /// <summary>The delayed will, now due (its delay passed, or the session ends); null when there is none or it went.</summary>
    public PendingWill? TakePendingWill()
    {
        PendingWill? pending;
        lock (Gate)
        {
            pending = _pendingWill;
            _pendingWill = null;
        }

        pending?.Timer.Dispose();
        return pending;
    }

    /// <summary>
    /// The session ends (it has left the registry): no deadline runs any more. The deadline stays readable, so that a
    /// delayed will published on the way out saves the session as it was.
    /// </summary>
    public void End()
    {
        lock (Gate)
        {
            State = MqttSessionState.Ended;
            _expiry?.Dispose();
        }
    }

    /// <summary>The broker stops: sessions stay in memory, and their timers must not fire into stopped hooks.</summary>
    public void StopTimers()
    {
        lock (Gate)
        {
            _expiry?.Dispose();
            _pendingWill?.Timer.Dispose();
        }
    }

    /// <summary>
    /// The store writer while the session is stored (a durable store and an expiry interval above 0), or
    /// <see langword="null"/>: every change to its outbox and inbound QoS 2 identifiers then goes to the store. Set
    /// under the lock by the session manager (attach, end), or before the session is shared (restore).
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
            // Not journaled here: the router stores the identifier in one unit with the message's routing
            // (MqttRouter.PublishAsync), so a crash never keeps one without the other.
            return (_inboundQoS2 ??= []).Add(packetId);
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
    /// Puts back what the store held at start: the protocol version and expiry interval, the outbox's entries
    /// (<see cref="Outbox.Restore"/>) and the inbound QoS 2 identifiers awaiting PUBREL. Nothing is written back to
    /// the store. The session stays offline; <see cref="RestoreOffline"/> sets its deadline.
    /// </summary>
    public void Restore(MqttProtocolVersion version, uint expiryInterval, IEnumerable<OutboundMessage> entries, IEnumerable<ushort> inboundQoS2)
    {
        lock (Gate)
        {
            ProtocolVersion = version;
            ExpiryInterval = expiryInterval;
            Outbox.Restore(entries);
            foreach (var packetId in inboundQoS2)
            {
                (_inboundQoS2 ??= []).Add(packetId);
            }
        }
    }

    /// <summary>An MQTT 5.0 will waiting for its Will Delay Interval, or for its session's end if that comes first.</summary>
    public sealed class PendingWill(MqttApplicationMessage message, MqttClientInfo client, DeadlineTimer timer)
    {
        public MqttApplicationMessage Message { get; } = message;

        public MqttClientInfo Client { get; } = client;

        /// <summary>Publishes the will at its deadline (<see cref="DeadlineTimer.Deadline"/>, saved as the will's time).</summary>
        public DeadlineTimer Timer { get; } = timer;
    }

    /// <summary>What <see cref="Detach"/> did.</summary>
    public enum DetachResult
    {
        /// <summary>The connection was no longer this session's (another one took it over): nothing changed.</summary>
        NotAttached,

        /// <summary>Offline until its deadline (or for ever, with an expiry interval of <see cref="uint.MaxValue"/>).</summary>
        Offline,

        /// <summary>The session ends with its connection (expiry interval 0): the caller ends it now.</summary>
        EndsNow,
    }
}
