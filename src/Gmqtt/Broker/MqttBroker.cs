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
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gmqtt;

/// <summary>
/// The broker: sessions, the subscription tree, retained messages and hooks. One instance lives in DI; hosts
/// hand it connections (<see cref="RunConnectionAsync(ConnectionContext, string, X509Certificate2?, CancellationToken)"/>), and
/// application code uses it to publish, inspect and steer clients.
/// </summary>
/// <remarks>
/// A façade: it owns the connection registry, start and stop, and the counters, and hands the work to the session
/// manager (<c>MqttSessionManager</c>: sessions, takeover, expiry, wills) and the router
/// (<c>MqttRouter</c>: publish, subscribe, shared groups), which connections call directly.
/// </remarks>
public sealed partial class MqttBroker
{
    private readonly ConcurrentDictionary<MqttConnection, byte> _connections = new();
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
        _storeWriter = sessionStore.Durability == MqttStoreDurability.None ? null : new MqttStoreWriter(sessionStore, Logger, TimeProvider);
        if (_storeWriter is not null)
        {
            RetainedMessages = new JournaledRetainedMessageStore(retainedMessages, _storeWriter);
        }
        _ready = _storeWriter is null;
        Router = new MqttRouter(Options, Hooks, RetainedMessages, _storeWriter, Counters, TimeProvider);
        Sessions = new MqttSessionManager(Options, Hooks, Router, _storeWriter, Counters, Background, TimeProvider);
        _sys = Options.SysInterval > TimeSpan.Zero ? new SysTopicPublisher(this, Options.SysInterval) : null; // Publishes through the router.
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
    public int SessionCount => Sessions.Count;

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

    /// <summary>The sessions: attach, detach, takeover, expiry, wills, restoring from the store.</summary>
    internal MqttSessionManager Sessions { get; }

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

        Sessions.Stop(); // Sessions live in memory: once stopped, their timers must not fire into hooks.

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
