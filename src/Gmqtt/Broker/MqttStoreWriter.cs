using Gmqtt.Protocol;
using Gmqtt.Storage;
using Microsoft.Extensions.Logging;

namespace Gmqtt.Broker;

/// <summary>
/// The one writer between the broker and a durable <see cref="IMqttSessionStore"/>: changes are queued without
/// blocking (a read loop never waits on disk) and committed in groups — a batch commits as soon as the previous one
/// is done, with everything that arrived meanwhile, up to <see cref="MaxBatch"/> changes. Callbacks queued with
/// <see cref="AfterCommit"/> run after every change queued before them is committed: that is how a PUBACK waits for
/// its message, and why the acknowledgements of one connection go out in order.
/// </summary>
internal sealed partial class MqttStoreWriter
{
    /// <summary>Most changes in one commit: bounds a transaction's size and the latency of the acks behind it.</summary>
    internal const int MaxBatch = 8192;

    /// <summary>Most times the writer, woken from idle, lets other threads run so that their changes join the batch.</summary>
    private const int MaxYields = 4;

    /// <summary>Longest a change nobody waits for stays queued while nothing else is committed.</summary>
    private static readonly TimeSpan LazyDelay = TimeSpan.FromMilliseconds(50);

    /// <summary>Most changes nobody waits for that are queued before the writer commits them anyway.</summary>
    private const int LazyBound = 1024;

    // The queue: producers append under the gate, the writer takes the whole list at once (and hands back an empty one).
    private readonly object _gate = new();
    private List<StoreWork> _queued = [];
    private List<StoreWork> _taken = [];
    private bool _writerWaiting;
    private bool _awaited;
    private bool _stopping;
    private readonly IMqttSessionStore _store;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private Thread? _thread;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastSequence;
    private long _lastMessageId;

    public MqttStoreWriter(IMqttSessionStore store, ILogger logger, TimeProvider time)
    {
        _store = store;
        _logger = logger;
        _time = time;
        AcknowledgeAfterCommit = store.Durability is MqttStoreDurability.Commit or MqttStoreDurability.Fsync;
    }

    /// <summary>Whether acknowledgements and deliveries wait for their commit (not in <see cref="MqttStoreDurability.Periodic"/> mode).</summary>
    public bool AcknowledgeAfterCommit { get; }

    /// <summary>Why the last commit failed, or <see langword="null"/> after a commit that succeeded.</summary>
    public string? LastFailure { get; private set; }

    /// <summary>Starts committing; <paramref name="lastSequence"/> and <paramref name="lastMessageId"/> are the highest loaded.</summary>
    public void Start(long lastSequence, long lastMessageId)
    {
        _lastSequence = lastSequence;
        _lastMessageId = lastMessageId;
        // A thread of its own, not the thread pool: every acknowledgement waits for this loop, and a thread-pool item
        // would queue behind the read and write loops on every wake-up; a producer wakes this thread directly.
        _thread = new Thread(Run) { IsBackground = true, Name = "Gmqtt store writer" };
        _thread.Start();
    }

    /// <summary>Commits what is queued and stops; later changes are not written.</summary>
    public async Task StopAsync()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.Pulse(_gate);
        }

        if (_thread is not null)
        {
            await _stopped.Task.ConfigureAwait(false);
        }
    }

    [ThreadStatic]
    private static List<MqttStoreChange>? t_unit;

    [ThreadStatic]
    private static MqttStoreWriter? t_unitWriter;

    /// <summary>Queues one change (into the open unit, when this thread has one).</summary>
    public void Add(MqttStoreChange change)
    {
        if (t_unitWriter == this)
        {
            t_unit!.Add(change);
            return;
        }

        Queue(new StoreWork(change, null, null), IsAwaited(change));
    }

    /// <summary>
    /// Opens a unit on this thread: the changes added until <see cref="EndUnit"/> are committed in one batch, never
    /// split. The code between the two must not await (the unit belongs to the thread).
    /// </summary>
    public void BeginUnit()
    {
        t_unit ??= [];
        t_unitWriter = this;
    }

    /// <summary>Closes the unit and queues its changes as one piece.</summary>
    public void EndUnit()
    {
        t_unitWriter = null;
        if (t_unit is { Count: > 0 } unit)
        {
            var awaited = false;
            foreach (var change in unit)
            {
                awaited |= IsAwaited(change);
            }

            Queue(new StoreWork(null, null, [.. unit]), awaited);
            unit.Clear();
        }
    }

    /// <summary>Runs <paramref name="callback"/> (with whether the commit succeeded) once every change queued before it is committed.</summary>
    public void AfterCommit(Action<bool> callback)
    {
        if (!Queue(new StoreWork(null, callback, null), awaited: true))
        {
            callback(false); // Stopped: nothing more is committed.
        }
    }

    /// <summary>Whether something waits for this change's commit before it is sent: a QoS 2 entry, a new retained stream.</summary>
    private static bool IsAwaited(MqttStoreChange change) =>
        change is MqttStoreChange.OutboxEntrySaved { Live: not null } or MqttStoreChange.RetainedStreamSaved { Live: not null };

    /// <summary>
    /// Appends to the queue; false once stopping. Only what is <paramref name="awaited"/> — an acknowledgement's
    /// callback, an entry held until its commit — wakes the writer. The rest (a subscriber's PUBACK removing its entry,
    /// a session saved at connect or disconnect) may be committed lazily: it joins the next awaited commit, or waits
    /// about <see cref="LazyDelay"/> (the idle writer looks that often) or for <see cref="LazyBound"/> changes. So the
    /// acknowledgements of subscribers do not split the commits that publishers wait for.
    /// </summary>
    private bool Queue(StoreWork work, bool awaited)
    {
        lock (_gate)
        {
            if (_stopping)
            {
                return false;
            }

            _queued.Add(work);
            // Write-behind (Periodic) has no acknowledgement to wait for: every change starts the interval.
            _awaited |= awaited || _queued.Count >= LazyBound || !AcknowledgeAfterCommit;
            if (_awaited && _writerWaiting)
            {
                _writerWaiting = false;
                Monitor.Pulse(_gate);
            }
        }

        return true;
    }

    /// <summary>
    /// Waits for awaited work (or lazy work that waited long enough) and takes all of it; false once stopping with
    /// nothing left. Woken from idle, the writer first yields while more keeps arriving: the read loops that were
    /// already running finish their packets into this batch, so a commit's fixed cost is shared by more messages
    /// without a timer delaying any of them.
    /// </summary>
    private bool Take()
    {
        var woken = false;
        lock (_gate)
        {
            while (!_awaited)
            {
                if (_stopping)
                {
                    if (_queued.Count == 0)
                    {
                        return false;
                    }

                    break;
                }

                _writerWaiting = true;
                var pulsed = Monitor.Wait(_gate, LazyDelay);
                _writerWaiting = false;
                woken = true;
                if (!pulsed && _queued.Count > 0)
                {
                    break; // Only lazy work, and it has waited long enough.
                }
            }

            _awaited = false;
        }

        for (int i = 0, seen = 0; woken && i < MaxYields; i++)
        {
            var queued = Volatile.Read(ref _queued).Count; // a hint only: taken under the gate below
            if (queued == seen)
            {
                break; // nothing more since the last look
            }

            seen = queued;
            Thread.Yield();
        }

        lock (_gate)
        {
            (_queued, _taken) = (_taken, _queued);
            return true;
        }
    }

    /// <summary>The identity of a new outbox entry: unique over all sessions and increasing, so it is also the send order.</summary>
    public long NextSequence() => Interlocked.Increment(ref _lastSequence);

    /// <summary>
    /// An entry entered a stored session's outbox: its message body is saved with the first entry that refers to it,
    /// then the entry. With acknowledge-after-commit a QoS 2 entry is not sent before it is committed.
    /// </summary>
    public void Enqueued(Outbox outbox, OutboundMessage entry)
    {
        var message = entry.Message;
        lock (message)
        {
            if (message.StoreReferences++ == 0)
            {
                message.StoreId = Interlocked.Increment(ref _lastMessageId);
                message.Stored = Stored(message, message.StoreId);
                Add(new MqttStoreChange.MessageSaved(message.Stored));
            }
        }

        if (entry.Sequence == 0)
        {
            entry.Sequence = NextSequence();
        }

        // A QoS 2 entry waits for its commit: sent before it, a crash could make the publisher's re-send a second
        // delivery. A QoS 1 entry goes out at once: the publisher's PUBACK still waits for the commit, and a re-send
        // after a crash is a second delivery that QoS 1 allows — while waiting would add a commit to every delivery.
        entry.AwaitingCommit = AcknowledgeAfterCommit && entry.QoS == MqttQualityOfService.ExactlyOnce;
        Add(new MqttStoreChange.OutboxEntrySaved(outbox.ClientId, Stored(entry)) { Live = entry.AwaitingCommit ? entry : null, LiveOutbox = outbox });
    }

    /// <summary>An entry's state changed (sent with a packet identifier, PUBREC received).</summary>
    public void Updated(Outbox outbox, OutboundMessage entry, bool holdUntilCommitted)
    {
        entry.AwaitingCommit = holdUntilCommitted && AcknowledgeAfterCommit;
        Add(new MqttStoreChange.OutboxEntrySaved(outbox.ClientId, Stored(entry)) { Live = entry.AwaitingCommit ? entry : null, LiveOutbox = outbox });
    }

    /// <summary>An entry left a stored session's outbox; the message body goes with its last entry.</summary>
    public void Removed(Outbox outbox, OutboundMessage entry)
    {
        Add(new MqttStoreChange.OutboxEntryRemoved(outbox.ClientId, entry.Sequence));
        Released(entry.Message);
    }

    /// <summary>One reference to a stored message body is gone (its entry was removed, or its session ended).</summary>
    public void Released(MqttApplicationMessage message)
    {
        lock (message)
        {
            if (message.StoreReferences > 0 && --message.StoreReferences == 0)
            {
                Add(new MqttStoreChange.MessageRemoved(message.StoreId));
                message.StoreId = 0;
                message.Stored = null;
            }
        }
    }

    /// <summary>A message as a store sees it, with its expiry as an absolute time.</summary>
    /// <remarks>
    /// Encoded here, on the thread that changed it (a publisher's, the API's): the writer, which every commit waits
    /// for, only copies the bytes.
    /// </remarks>
    public static MqttStoredMessage Stored(MqttApplicationMessage message, long id) =>
        new(id, message, message.ExpiresAt) { Encoded = MqttMessageCodec.Encode(message) };

    /// <summary>A stored message as the broker holds it, with its absolute expiry; null once it has expired.</summary>
    public static MqttApplicationMessage? Restored(MqttStoredMessage stored, TimeProvider time)
    {
        var message = stored.Message;
        message.ExpiresAt = stored.ExpiresAt;
        return message.ExpiresAt is { } expiresAt && expiresAt <= time.GetUtcNow() ? null : message;
    }

    private static MqttStoredOutboxEntry Stored(OutboundMessage entry) =>
        new(entry.Sequence, entry.Message.Stored!, entry.QoS, entry.Retain, entry.SubscriptionIds, entry.PacketId, entry.Released);

    private void Run()
    {
        try
        {
            var batch = new List<MqttStoreChange>();
            var callbacks = new List<Action<bool>>();
            var periodic = !AcknowledgeAfterCommit && _store.CommitInterval > TimeSpan.Zero;
            while (Take())
            {
                if (periodic && !Volatile.Read(ref _stopping))
                {
                    // Write-behind: gather an interval's changes into one commit.
                    Task.Delay(_store.CommitInterval, _time).GetAwaiter().GetResult();
                    lock (_gate)
                    {
                        _taken.AddRange(_queued);
                        _queued.Clear();
                    }
                }

                // Everything taken, in batches of at most MaxBatch changes (a unit is never split).
                foreach (var work in _taken)
                {
                    if (batch.Count >= MaxBatch)
                    {
                        Commit(batch, callbacks);
                    }

                    if (work.Change is { } change)
                    {
                        batch.Add(change);
                    }
                    else if (work.Unit is { } unit)
                    {
                        batch.AddRange(unit);
                    }
                    else
                    {
                        callbacks.Add(work.Callback!);
                    }
                }

                _taken.Clear();
                Commit(batch, callbacks);
            }
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    private void Commit(List<MqttStoreChange> batch, List<Action<bool>> callbacks)
    {
        var commit = CommitAsync(batch);
        var committed = commit.IsCompleted ? commit.Result : commit.AsTask().GetAwaiter().GetResult();
        // Acknowledgements first (a SUBACK before the retained messages of its subscription), then what waited to be sent.
        foreach (var callback in callbacks)
        {
            try
            {
                callback(committed);
            }
            catch (Exception e)
            {
                // One connection's trouble must not stop the writer that every other connection waits for.
                LogCallbackFailed(_logger, e);
            }
        }

        foreach (var change in batch)
        {
            if (change is MqttStoreChange.OutboxEntrySaved { Live: { } entry, LiveOutbox: { } outbox })
            {
                outbox.CommitCompleted(entry);
            }
            else if (change is MqttStoreChange.RetainedStreamSaved { Live: { } stream, LiveOutbox: { } streamOutbox })
            {
                streamOutbox.CommitCompleted(stream);
            }
        }

        batch.Clear();
        callbacks.Clear();
    }

    private async ValueTask<bool> CommitAsync(List<MqttStoreChange> batch)
    {
        if (batch.Count == 0)
        {
            // Callbacks alone: what they wait for was in earlier batches, and they get what the last of those got.
            return LastFailure is null;
        }

        try
        {
            await _store.CommitAsync(batch, CancellationToken.None).ConfigureAwait(false);
            if (LastFailure is not null)
            {
                LogCommitRecovered(_logger);
            }

            LastFailure = null;
            return true;
        }
        catch (Exception e)
        {
            // Never acknowledged: the publishers concerned get 0x80 or are disconnected; the rest goes on from memory.
            LastFailure = e.Message;
            LogCommitFailed(_logger, e, batch.Count);
            return false;
        }
    }

    private readonly record struct StoreWork(MqttStoreChange? Change, Action<bool>? Callback, MqttStoreChange[]? Unit);

    [LoggerMessage(300, LogLevel.Error, "The session store failed to commit {Count} changes; the messages concerned are not acknowledged.")]
    private static partial void LogCommitFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(301, LogLevel.Information, "The session store commits again.")]
    private static partial void LogCommitRecovered(ILogger logger);

    [LoggerMessage(302, LogLevel.Error, "Sending what waited for a store commit failed.")]
    private static partial void LogCallbackFailed(ILogger logger, Exception exception);
}
