using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.IO.Pipelines;
using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using Gmqtt.Broker;
using Gmqtt.Diagnostics;
using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Topics;
using Gmqtt.Storage;
using Gmqtt.Subscriptions;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gmqtt;

/// <summary>
/// The broker: sessions, the subscription tree, retained messages and hooks. One instance lives in DI; hosts
/// hand it connections (<see cref="RunConnectionAsync(ConnectionContext, string, X509Certificate2?, CancellationToken)"/>), and
/// application code uses it to publish, inspect and steer clients.
/// </summary>
public sealed partial class MqttBroker
{
    private readonly ConcurrentDictionary<string, MqttSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<MqttConnection, byte> _connections = new();
    private readonly ClientIdLocks _clientIdLocks = new();
    private readonly Lock _stopping = new();

    /// <summary>Creates the broker; normally done by DI through <c>AddGmqtt()</c>.</summary>
    /// <remarks>
    /// Time (timeouts, expiry, the <c>$SYS</c> interval) comes from <paramref name="timeProvider"/>, the system clock
    /// when null. The <c>Gmqtt</c> meter is created through <paramref name="meterFactory"/> (hosts register one in DI),
    /// or as a new <see cref="Meter"/> when null.
    /// </remarks>
    public MqttBroker(
        IOptions<MqttBrokerOptions> options,
        IEnumerable<IMqttHook> hooks,
        IMqttRetainedMessageStore retainedMessages,
        IMqttSessionStore sessionStore,
        ILoggerFactory loggerFactory,
        TimeProvider? timeProvider = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        Options = options.Value;
        Logger = loggerFactory.CreateLogger("Gmqtt.Broker");
        Metrics = new MqttBrokerMetrics(this, meterFactory);
        Hooks = new MqttHookRunner(hooks, Logger, Metrics.HookDuration);
        RetainedMessages = retainedMessages;
        SessionStore = sessionStore;
        TimeProvider = timeProvider ?? TimeProvider.System;
        StartedAt = TimeProvider.GetUtcNow();
        _sys = Options.SysInterval > TimeSpan.Zero ? new SysTopicPublisher(this, Options.SysInterval) : null;
        _storeWriter = sessionStore.Durability == MqttStoreDurability.None ? null : new MqttStoreWriter(sessionStore, Logger, TimeProvider);
        if (_storeWriter is not null)
        {
            RetainedMessages = new JournaledRetainedMessageStore(retainedMessages, _storeWriter);
        }
        _ready = _storeWriter is null;
        Router = new MqttRouter(Options, Hooks, RetainedMessages, _storeWriter, Counters, TimeProvider);
    }

    private readonly SysTopicPublisher? _sys;

    /// <summary>The version of the Gmqtt broker, e.g. <c>1.0.0</c>.</summary>
    public static string Version { get; } =
        typeof(MqttBroker).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(MqttBroker).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>The options in force.</summary>
    public MqttBrokerOptions Options { get; }

    /// <summary>When the broker was created.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>How long ago the broker was created, by the clock it runs on (the one given to the constructor).</summary>
    public TimeSpan Uptime => TimeProvider.GetUtcNow() - StartedAt;

    /// <summary>The retained message store.</summary>
    public IMqttRetainedMessageStore RetainedMessages { get; }

    /// <summary>The session store the broker reports session events to, e.g. for a health check to probe (<see cref="IMqttStorageProbe"/>).</summary>
    public IMqttSessionStore SessionStore { get; }

    /// <summary>Number of open MQTT connections (CONNECT accepted or not yet received).</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Number of sessions, online and offline.</summary>
    public int SessionCount => _sessions.Count;

    /// <summary>Number of subscriptions over all sessions.</summary>
    public int SubscriptionCount => Router.Subscriptions.Count;

    /// <summary>Whether <see cref="StopAsync"/> has been called.</summary>
    public bool IsStopping => _stopRequested;

    private volatile bool _stopRequested;

    internal ILogger Logger { get; }

    internal MqttHookRunner Hooks { get; }

    internal MqttBrokerMetrics Metrics { get; }

    internal TimeProvider TimeProvider { get; }

    internal MqttBrokerCounters Counters { get; } = new();

    /// <summary>Routing: publish hooks, retained messages, the subscription tree, shared groups, subscribing.</summary>
    internal MqttRouter Router { get; }

    /// <summary>Async work started by timers (expiry, delayed wills, <c>$SYS</c>); a stop waits for it.</summary>
    internal BackgroundTasks Background { get; } = new();

    /// <summary>
    /// Serves one MQTT connection until it closes. Kestrel's connection handler and the WebSocket endpoint call
    /// this; so can any host that has a <see cref="ConnectionContext"/>.
    /// </summary>
    /// <param name="connection">The transport.</param>
    /// <param name="transport">"tcp", "tls", "ws" or "wss", for logs and hooks.</param>
    /// <param name="clientCertificate">The TLS client certificate, when there is one; it reaches the connect hooks.</param>
    /// <param name="cancellationToken">Stops serving the connection.</param>
    public Task RunConnectionAsync(ConnectionContext connection, string transport, X509Certificate2? clientCertificate = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return RunConnectionAsync(connection.Transport, new MqttConnectionInfo(transport, connection.RemoteEndPoint, connection.LocalEndPoint, clientCertificate), cancellationToken);
    }

    internal Task RunConnectionAsync(IDuplexPipe transport, MqttConnectionInfo info, CancellationToken cancellationToken)
    {
        if (IsStopping || !_ready)
        {
            return Task.CompletedTask; // Stopped brokers, and brokers still loading their store, accept nothing.
        }

        // No async frame and no linked token source here: at tens of thousands of idle connections every object
        // per connection counts. The connection removes itself from _connections when it ends (ForgetConnection).
        var connection = new MqttConnection(this, transport, info);
        _connections.TryAdd(connection, 0);
        Counters.CountConnectionOpened(_connections.Count);
        if (IsStopping)
        {
            // StopAsync sets the flag before it lists the connections, and TryAdd is a full fence: a connection
            // added while it ran is either in its list or sees the flag here, and is closed either way.
            _ = connection.CloseAsync(MqttCloseReason.ServerShutdown);
        }

        return connection.RunAsync(cancellationToken);
    }

    internal void ForgetConnection(MqttConnection connection) => _connections.TryRemove(connection, out _);

    /// <summary>
    /// Publishes a message as if a client had sent it: publish hooks run, the retained store is updated when
    /// <see cref="MqttApplicationMessage.Retain"/> is set, and every matching subscriber gets a copy.
    /// </summary>
    /// <returns><see cref="MqttReasonCode.Success"/>, <see cref="MqttReasonCode.NoMatchingSubscribers"/>, or a hook's refusal.</returns>
    public Task<MqttReasonCode> PublishAsync(MqttApplicationMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!MqttTopic.IsValidTopicName(message.Topic))
        {
            throw new ArgumentException($"'{message.Topic}' is not a valid topic name.", nameof(message));
        }

        return PublishCoreAsync(message, client: null);
    }

    private async Task<MqttReasonCode> PublishCoreAsync(MqttApplicationMessage message, MqttClientInfo? client) =>
        (await Router.PublishAsync(message, client).ConfigureAwait(false)).Code;

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
    internal async Task<(MqttSession Session, bool Present)> AttachSessionAsync(MqttConnection connection, string clientId, bool cleanStart, MqttProtocolVersion version, uint expiryInterval, Protocol.Packets.MqttWill? will)
    {
        using (await _clientIdLocks.AcquireAsync(clientId).ConfigureAwait(false))
        {
            if (_sessions.TryGetValue(clientId, out var existing) && existing.Connection is { } old && old != connection)
            {
                await old.CloseAsync(MqttCloseReason.SessionTakenOver).ConfigureAwait(false);
            }

            if (_sessions.TryGetValue(clientId, out existing) && cleanStart)
            {
                await EndSessionAsync(existing, MqttSessionTerminationReason.ReplacedByCleanSession).ConfigureAwait(false);
                existing = null;
            }

            var present = existing is not null;
            var session = existing ?? new MqttSession(clientId, Options);
            if (!present)
            {
                _sessions[clientId] = session;
            }

            lock (session.Gate)
            {
                // Back online in time: the session does not expire and a delayed will is not sent [MQTT-3.1.3-9].
                session.ExpiryTimer?.Dispose();
                session.ExpiryTimer = null;
                session.PendingWill?.Timer.Dispose();
                session.PendingWill = null;
                session.Connection = connection;
                session.ProtocolVersion = version;
                session.ExpiryInterval = expiryInterval;
                if (session.EndsWithConnection)
                {
                    ForgetStoredSession(session, session.GetOutbox()); // Ends with this connection: nothing of it is kept.
                }
                else if (_storeWriter is not null)
                {
                    // Stored with the will, so that a crash (which loses the connection) still publishes it after restart.
                    session.Journal = _storeWriter;
                    SaveSession(session, will is null ? null : CreateWillMessage(connection.Client!, will), WillDelay(version, will), willAt: null, online: true);
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
    internal async Task OnConnectionClosedAsync(MqttConnection connection, MqttCloseReason reason, Protocol.Packets.MqttWill? will)
    {
        if (connection.Client is not { } client || connection.Session is not { } session)
        {
            return;
        }

        var willMessage = will is null ? null : CreateWillMessage(client, will);
        var willDelay = WillDelay(connection.ProtocolVersion, will);
        bool detached;
        lock (session.Gate)
        {
            detached = session.Connection == connection;
            if (detached)
            {
                session.Connection = null;
                if (!session.EndsWithConnection && session.ExpiryInterval != uint.MaxValue)
                {
                    session.ExpiryTimer = new DeadlineTimer(TimeProvider, TimeSpan.FromSeconds(session.ExpiryInterval), () => Background.Track(ExpireSessionAsync(session)));
                }

                if (willMessage is not null && willDelay > 0 && !session.EndsWithConnection)
                {
                    session.PendingWill = (willMessage, client, new DeadlineTimer(TimeProvider, TimeSpan.FromSeconds(willDelay), () => Background.Track(PublishPendingWillAsync(session))));
                    SaveSession(session, willMessage, willDelay, TimeProvider.GetUtcNow().AddSeconds(willDelay), online: false);
                    willMessage = null;
                }
                else if (!session.EndsWithConnection)
                {
                    SaveSession(session, will: null, 0, willAt: null, online: false); // Offline, with its deadline; the will (if any) goes out now.
                }
            }
        }

        if (detached && session.EndsWithConnection)
        {
            await EndSessionAsync(session, MqttSessionTerminationReason.CleanSessionClosed).ConfigureAwait(false);
        }

        if (willMessage is not null)
        {
            await PublishWillAsync(client, willMessage).ConfigureAwait(false);
        }

        if (Hooks.HasHooks)
        {
            await Hooks.OnClosedAsync(client, reason).ConfigureAwait(false);
        }
    }

    private async Task ExpireSessionAsync(MqttSession session)
    {
        using (await _clientIdLocks.AcquireAsync(session.ClientId).ConfigureAwait(false))
        {
            if (session.Connection is null)
            {
                await EndSessionAsync(session, MqttSessionTerminationReason.Expired).ConfigureAwait(false);
            }
        }
    }

    private async Task PublishPendingWillAsync(MqttSession session)
    {
        (MqttApplicationMessage Message, MqttClientInfo Client, DeadlineTimer Timer)? pending;
        lock (session.Gate)
        {
            pending = session.PendingWill;
            session.PendingWill = null;
        }

        if (pending is { } will)
        {
            will.Timer.Dispose();
            lock (session.Gate)
            {
                SaveSession(session, will: null, 0, willAt: null, online: session.Connection is not null); // Published: never again after a restart.
            }

            await PublishWillAsync(will.Client, will.Message).ConfigureAwait(false);
        }
    }

    private static uint WillDelay(MqttProtocolVersion version, Protocol.Packets.MqttWill? will) =>
        version == MqttProtocolVersion.V500 ? will?.Properties?.WillDelayInterval ?? 0 : 0;

    /// <summary>
    /// The will as a message, with its properties except Will Delay Interval (MQTT 5.0 section 3.1.3.2).
    /// </summary>
    private MqttApplicationMessage CreateWillMessage(MqttClientInfo client, Protocol.Packets.MqttWill will) => new()
    {
        Topic = will.Topic,
        Payload = will.Payload,
        QoS = will.QoS,
        Retain = will.Retain,
        Properties = will.Properties is { } p
            ? new MqttProperties
            {
                PayloadFormatIndicator = p.PayloadFormatIndicator,
                MessageExpiryInterval = p.MessageExpiryInterval,
                ContentType = p.ContentType,
                ResponseTopic = p.ResponseTopic,
                CorrelationData = p.CorrelationData,
                UserProperties = p.UserProperties,
            }
            : null,
        SenderClientId = client.ClientId,
    };

    /// <summary>
    /// The will goes out when the connection closes without a normal DISCONNECT [MQTT-3.1.2-8], with its QoS and
    /// retain flag [MQTT-3.1.2-14] [MQTT-3.1.2-17] (3.1.1 numbering differs), after the will hook.
    /// </summary>
    private async Task PublishWillAsync(MqttClientInfo client, MqttApplicationMessage message)
    {
        if (Hooks.HasHooks)
        {
            var context = new MqttWillContext { Client = client, Message = message };
            await Hooks.OnWillPublishAsync(context).ConfigureAwait(false);
            if (context.Suppress)
            {
                return;
            }
        }

        await Router.PublishAsync(message, client).ConfigureAwait(false);
    }

    private async Task EndSessionAsync(MqttSession session, MqttSessionTerminationReason reason)
    {
        if (!_sessions.TryRemove(new KeyValuePair<string, MqttSession>(session.ClientId, session)))
        {
            return;
        }

        foreach (var subscription in session.GetSubscriptions())
        {
            Router.Subscriptions.Remove(session, subscription.Filter);
        }

        // A delayed will goes out at the latest when its session ends (MQTT 5.0 section 3.1.3.2).
        session.ExpiryTimer?.Dispose();
        await PublishPendingWillAsync(session).ConfigureAwait(false);

        var dropped = session.Clear();
        ForgetStoredSession(session, dropped);
        Router.ReofferShared(dropped);
        Counters.CountDrops(MqttDropReason.SessionEnded, dropped.Count);
        if (Hooks.HasHooks)
        {
            foreach (var message in dropped)
            {
                await Hooks.OnMessageDroppedAsync(session.ClientId, message.Message, MqttDropReason.SessionEnded).ConfigureAwait(false);
            }

            await Hooks.OnSessionTerminatedAsync(session.ClientId, reason).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops the broker: no new connections, every client disconnected, every close hook run, then the stop
    /// hooks. Bounded by <paramref name="cancellationToken"/> (the host's shutdown timeout).
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_stopping)
        {
            // A second call waits for the stop already under way.
            return _stopTask ??= StopCoreAsync(cancellationToken);
        }
    }

    private Task? _stopTask;

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        // Close every connection with its reason (MQTT 5.0 clients get DISCONNECT 0x8B); a connection accepted
        // while this runs closes itself (RunConnectionAsync).
        _stopRequested = true;
        Interlocked.MemoryBarrier(); // The flag is visible before the connections are listed (see RunConnectionAsync).
        _sys?.Dispose(); // A stopping broker publishes no more $SYS updates (one under way is awaited with Background).
        var closing = _connections.Keys.Select(c => c.CloseAsync(MqttCloseReason.ServerShutdown)).ToArray();
        try
        {
            await Task.WhenAll(closing).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            LogStopTimedOut(Logger, closing.Count(t => !t.IsCompleted));
        }

        // Sessions live in memory: once stopped, their expiry and delayed-will timers must not fire into hooks.
        foreach (var session in _sessions.Values)
        {
            lock (session.Gate)
            {
                session.ExpiryTimer?.Dispose();
                session.PendingWill?.Timer.Dispose();
            }
        }

        await Background.WhenAll().WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_storeWriter is not null)
        {
            await _storeWriter.StopAsync().ConfigureAwait(false); // Every pending batch is committed before the stop completes.
        }

        if (Hooks.HasHooks)
        {
            await Hooks.OnStopAsync().ConfigureAwait(false);
        }

        Metrics.Dispose();
    }

    [LoggerMessage(200, LogLevel.Warning, "Shutdown timed out with {Count} connections still closing.")]
    private static partial void LogStopTimedOut(ILogger logger, int count);
}
