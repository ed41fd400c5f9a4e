using Gmqtt.Broker;
using Gmqtt.Storage;
using Microsoft.Extensions.Logging;

namespace Gmqtt;

/// <summary>Starting: the session store is loaded (retained messages here, sessions by the session manager) before any connection is served.</summary>
public sealed partial class MqttBroker
{
    private readonly MqttStoreWriter? _storeWriter;
    private volatile bool _ready;
    private Task? _startTask;

    /// <summary>
    /// Whether the broker serves clients: true once the session store has been loaded (<see cref="StartAsync"/>), at
    /// once with a store that keeps nothing. Connections that arrive earlier are closed.
    /// </summary>
    public bool IsReady => _ready;

    /// <summary>Why the session store's last commit failed, or <see langword="null"/> while it commits.</summary>
    public string? StorageFailure => _storeWriter?.LastFailure;

    /// <summary>The store writer, or <see langword="null"/> when the session store keeps nothing.</summary>
    internal MqttStoreWriter? StoreWriter => _storeWriter;

    /// <summary>
    /// Loads the session store — sessions with their subscriptions, queued and in-flight messages, inbound QoS 2
    /// identifiers, wills and expiry deadlines, and retained messages — and re-arms the expiry and will timers. The
    /// host calls it before its listeners start; a store that cannot be read fails it, so the broker never starts
    /// empty over data it could not read.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_stopping)
        {
            return _startTask ??= StartCoreAsync(cancellationToken);
        }
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        if (_storeWriter is null)
        {
            _ready = true;
            return;
        }

        var started = TimeProvider.GetTimestamp();
        var snapshot = await SessionStore.LoadAsync(cancellationToken).ConfigureAwait(false);
        RestoreRetained(snapshot);
        var (sessions, messages, lastSequence, lastMessageId) = Sessions.Restore(snapshot);
        _storeWriter.Start(lastSequence, lastMessageId);
        _ready = true;
        LogStoreLoaded(Logger, sessions, messages, snapshot.RetainedMessages.Count, TimeProvider.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>Puts back the retained messages the store held; nothing is written back.</summary>
    private void RestoreRetained(MqttStoreSnapshot snapshot)
    {
        foreach (var retained in snapshot.RetainedMessages)
        {
            if (MqttStoreWriter.Restored(retained, TimeProvider) is { } message)
            {
                ((JournaledRetainedMessageStore)RetainedMessages).Inner.Set(message); // Loaded, not changed: nothing to write back.
            }
        }
    }

    [LoggerMessage(210, LogLevel.Information, "Session store loaded: {Sessions} sessions, {Messages} queued or in-flight messages, {Retained} retained messages in {Milliseconds:F0} ms.")]
    private static partial void LogStoreLoaded(ILogger logger, int sessions, int messages, int retained, double milliseconds);
}
