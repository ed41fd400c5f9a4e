using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Broker;

/// <summary>
/// The sessions, by client identifier: attaching a connection that sent CONNECT (takeover, Clean Start, Session
/// Present), detaching it when it closes (the offline deadline, the will now or after its delay), expiry, ending a
/// session, and restoring them from the session store at start. Everything for one client identifier that must not
/// interleave (CONNECT, takeover, expiry) is serialised by that identifier's own lock (<see cref="ClientIdLocks"/>);
/// a session's state by the session's lock. Nothing here is global.
/// </summary>
internal sealed partial class MqttSessionManager(
    MqttBrokerOptions options,
    MqttHookRunner hooks,
    MqttRouter router,
    MqttStoreWriter? storeWriter,
    MqttBrokerCounters counters,
    BackgroundTasks background,
    TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, MqttSession> _sessions = new(StringComparer.Ordinal);
    private readonly ClientIdLocks _clientIdLocks = new();

    /// <summary>Number of sessions, online and offline.</summary>
    public int Count => _sessions.Count;

    /// <summary>Every session, online and offline, in no order.</summary>
    public ICollection<MqttSession> All => _sessions.Values;

    public bool TryGet(string clientId, [NotNullWhen(true)] out MqttSession? session) => _sessions.TryGetValue(clientId, out session);

    /// <summary>
    /// Attaches a connection that sent CONNECT to its session: closes any connection already using the client
    /// identifier [MQTT-3.1.4-2] (MQTT 5.0: [MQTT-3.1.4-3]), discards the old state when Clean Start / Clean
    /// Session is 1 [MQTT-3.1.2-4] (3.1.1: [MQTT-3.1.2-6]), cancels a pending session expiry and delayed will
    /// [MQTT-3.1.3-9], and reports whether a session was present [MQTT-3.2.2-2].
    /// </summary>
    /// <remarks>
    /// Serialised per client identifier, so two CONNECTs with one identifier end with one attached connection; the
    /// lock is the identifier's own (<see cref="ClientIdLocks"/>), so a slow teardown of the old connection holds up
    /// no other identifier.
    /// </remarks>
    public async Task<(MqttSession Session, bool Present)> AttachAsync(MqttConnection connection, string clientId, bool cleanStart, MqttProtocolVersion version, uint expiryInterval, int inflightLimit, MqttWill? will)
    {
        using (await _clientIdLocks.AcquireAsync(clientId).ConfigureAwait(false))
        {
            if (_sessions.TryGetValue(clientId, out var existing) && existing.Connection is { } old && old != connection)
            {
                await old.CloseAsync(MqttCloseReason.SessionTakenOver).ConfigureAwait(false);
            }

            // An offline session that ends with its connection is over, even if its old connection's cleanup has not
            // removed it yet: never resumed (that cleanup runs outside this lock, and ends it once, whoever is first).
            if (_sessions.TryGetValue(clientId, out existing) && (cleanStart || existing is { State: MqttSessionState.Offline, EndsWithConnection: true }))
            {
                await EndSessionAsync(existing, cleanStart ? MqttSessionTerminationReason.ReplacedByCleanSession : MqttSessionTerminationReason.CleanSessionClosed).ConfigureAwait(false);
                existing = null;
            }

            var present = existing is not null;
            var session = existing ?? new MqttSession(clientId, options);
            if (!present)
            {
                _sessions[clientId] = session;
            }

            lock (session.Gate)
            {
                session.Attach(connection, version, expiryInterval, inflightLimit);
                if (session.EndsWithConnection)
                {
                    ForgetStoredSession(session, session.Outbox.GetEntries()); // Ends with this connection: nothing of it is kept.
                }
                else if (storeWriter is not null)
                {
                    // Stored with the will, so that a crash (which loses the connection) still publishes it after restart.
                    session.Journal = storeWriter;
                    SaveSession(session, will is null ? null : CreateWillMessage(connection.Client!, will), WillDelay(version, will), willAt: null);
                }
            }

            return (session, present);
        }
    }

    /// <summary>
    /// Cleanup after a connection closed: detach; end the session now when its expiry interval is 0, or schedule
    /// its expiry counted from now; publish the will now, or after its MQTT 5.0 Will Delay Interval (or at session
    /// end if that comes first); tell the hooks.
    /// </summary>
    public async Task DetachAsync(MqttConnection connection, MqttCloseReason reason, MqttWill? will)
    {
        if (connection.Client is not { } client || connection.Session is not { } session)
        {
            return;
        }

        var willMessage = will is null ? null : CreateWillMessage(client, will);
        var willDelay = WillDelay(connection.ProtocolVersion, will);
        MqttSession.DetachResult detached;
        lock (session.Gate)
        {
            var now = timeProvider.GetUtcNow();
            detached = session.Detach(connection, now, timeProvider, Expire);
            if (detached == MqttSession.DetachResult.Offline)
            {
                if (willMessage is not null && willDelay > 0)
                {
                    var willAt = now.AddSeconds(willDelay);
                    session.DelayWill(willMessage, client, willAt, now, timeProvider, PublishWill);
                    SaveSession(session, willMessage, willDelay, willAt);
                    willMessage = null;
                }
                else
                {
                    SaveSession(session, will: null, 0, willAt: null); // Offline, with its deadline; the will (if any) goes out now.
                }
            }
        }

        if (detached == MqttSession.DetachResult.EndsNow)
        {
            await EndSessionAsync(session, MqttSessionTerminationReason.CleanSessionClosed).ConfigureAwait(false);
        }

        if (willMessage is not null)
        {
            await PublishWillAsync(client, willMessage).ConfigureAwait(false);
        }

        if (hooks.HasHooks)
        {
            await hooks.OnClosedAsync(client, reason).ConfigureAwait(false);
        }
    }

    /// <summary>Timer callbacks, made once: an offline session's deadline passed (<see cref="ExpireSessionAsync"/>).</summary>
    private Action<MqttSession, int> Expire => field ??= (session, generation) => background.Track(ExpireSessionAsync(session, generation));

    /// <summary>
    /// The offline deadline passed: ends the session unless a connection attached meanwhile — or attached and left
    /// again, which set a later deadline that this timer must not cut short.
    /// </summary>
    private async Task ExpireSessionAsync(MqttSession session, int generation)
    {
        using (await _clientIdLocks.AcquireAsync(session.ClientId).ConfigureAwait(false))
        {
            if (session.IsExpiryDue(generation))
            {
                await EndSessionAsync(session, MqttSessionTerminationReason.Expired).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Ends a session, once: it leaves the registry and its subscriptions the tree; a delayed will goes out; what it
    /// still had queued or in flight is re-offered to its shared groups or dropped (counted, and the hooks told); it
    /// leaves the session store.
    /// </summary>
    public async Task EndSessionAsync(MqttSession session, MqttSessionTerminationReason reason)
    {
        if (!_sessions.TryRemove(new KeyValuePair<string, MqttSession>(session.ClientId, session)))
        {
            return;
        }

        foreach (var subscription in session.GetSubscriptions())
        {
            router.Subscriptions.Remove(session, subscription.Filter);
        }

        // A delayed will goes out at the latest when its session ends (MQTT 5.0 section 3.1.3.2).
        session.End();
        await PublishPendingWillAsync(session).ConfigureAwait(false);

        var dropped = session.Clear();
        ForgetStoredSession(session, dropped);
        router.ReofferShared(dropped);
        counters.CountDrops(MqttDropReason.SessionEnded, dropped.Count);
        if (hooks.HasHooks)
        {
            foreach (var message in dropped)
            {
                await hooks.OnMessageDroppedAsync(session.ClientId, message.Message, MqttDropReason.SessionEnded).ConfigureAwait(false);
            }

            await hooks.OnSessionTerminatedAsync(session.ClientId, reason).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A stopped broker's sessions stay in memory: their expiry and delayed-will timers must not fire into hooks.
    /// </summary>
    public void Stop()
    {
        foreach (var session in _sessions.Values)
        {
            session.StopTimers();
        }
    }

    public (int Sessions, int Offline) CountSessions()
    {
        int sessions = 0, offline = 0;
        foreach (var (_, session) in _sessions)
        {
            sessions++;
            if (session.Connection is null)
            {
                offline++;
            }
        }

        return (sessions, offline);
    }

    /// <summary>Messages queued and in flight over all sessions.</summary>
    public (long Queued, long Inflight) CountQueued()
    {
        long queued = 0, inflight = 0;
        foreach (var (_, session) in _sessions)
        {
            queued += session.Outbox.QueuedCount;
            inflight += session.Outbox.InflightCount;
        }

        return (queued, inflight);
    }
}
