using System.Threading.Tasks.Sources;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Broker;

/// <summary>
/// What wakes a connection's write loop, and the control packets (CONNACK, acknowledgments…) waiting for it.
/// </summary>
/// <remarks>
/// Built for the idle connection, the common case at scale: it costs this one object and nothing else until a
/// packet is sent. A bounded <c>Channel&lt;bool&gt;</c> (about 650 bytes with its operations and deque) and a
/// <c>ConcurrentQueue</c> (about 800 bytes: its first segment is allocated up front) did the same job before.
/// The signal has the channel's semantics: signals coalesce while the writer is busy, and a signal given before
/// <see cref="Complete"/> is still seen once after it. The writer awaits a <see cref="ManualResetValueTaskSourceCore{T}"/>
/// that this object owns, so a wait allocates nothing; its continuation runs on the thread pool, never on the
/// thread that signalled (a publisher routing to thousands of sessions).
/// </remarks>
internal sealed class WriteQueue : IValueTaskSource<bool>
{
    private const int Pending = 1;
    private const int Waiting = 2;
    private const int Completed = 4;

    private ManualResetValueTaskSourceCore<bool> _wakeUp = new() { RunContinuationsAsynchronously = true };
    private int _state;

    // Guarded by lock (this). _control is null while nothing is queued; _spare is the list the writer handed
    // back, reused while it keeps busy and dropped when it goes to sleep, so an idle connection holds no list.
    private List<MqttPacket>? _control;
    private List<MqttPacket>? _spare;

    /// <summary>Queues a control packet and wakes the writer.</summary>
    public void Enqueue(MqttPacket packet)
    {
        lock (this)
        {
            _control ??= TakeSpare() ?? new List<MqttPacket>(4);
            _control.Add(packet);
        }

        Signal();
    }

    /// <summary>Takes every queued control packet, in order; null when there is none. Writer only.</summary>
    public List<MqttPacket>? TakeControl()
    {
        lock (this)
        {
            var control = _control;
            _control = null;
            return control;
        }
    }

    /// <summary>Gives back a list from <see cref="TakeControl"/> once written, for the next packets. Writer only.</summary>
    public void Recycle(List<MqttPacket> control)
    {
        control.Clear();
        lock (this)
        {
            _spare ??= control;
        }
    }

    /// <summary>Wakes the writer, or makes its next <see cref="WaitAsync"/> return at once. Cheap when already signalled.</summary>
    public void Signal()
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if ((state & (Pending | Completed)) != 0)
            {
                return; // Already signalled, or the writer stops: nothing more to say.
            }

            if ((state & Waiting) != 0)
            {
                if (Interlocked.CompareExchange(ref _state, state & ~Waiting, state) == state)
                {
                    _wakeUp.SetResult(true);
                    return;
                }
            }
            else if (Interlocked.CompareExchange(ref _state, state | Pending, state) == state)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Waits for a signal: true when there may be work, false once <see cref="Complete"/> was called and every
    /// earlier signal has been seen. One waiter at a time (the write loop).
    /// </summary>
    public ValueTask<bool> WaitAsync()
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if ((state & Pending) != 0)
            {
                if (Interlocked.CompareExchange(ref _state, state & ~Pending, state) == state)
                {
                    return new ValueTask<bool>(true);
                }

                continue;
            }

            if ((state & Completed) != 0)
            {
                return new ValueTask<bool>(false);
            }

            // Going to sleep: an idle connection keeps no list. Nobody completes _wakeUp until Waiting is set.
            lock (this)
            {
                _spare = null;
            }

            _wakeUp.Reset();
            if (Interlocked.CompareExchange(ref _state, state | Waiting, state) == state)
            {
                return new ValueTask<bool>(this, _wakeUp.Version);
            }
        }
    }

    /// <summary>Tells the writer to stop once it has seen the signals given so far. Idempotent.</summary>
    public void Complete()
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if ((state & Completed) != 0)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _state, (state | Completed) & ~Waiting, state) == state)
            {
                if ((state & Waiting) != 0)
                {
                    _wakeUp.SetResult(false);
                }

                return;
            }
        }
    }

    private List<MqttPacket>? TakeSpare()
    {
        var spare = _spare;
        _spare = null;
        return spare;
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _wakeUp.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _wakeUp.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _wakeUp.OnCompleted(continuation, state, token, flags);
}
