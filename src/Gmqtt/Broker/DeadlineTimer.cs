namespace Gmqtt.Broker;

/// <summary>
/// Runs an action once at an absolute deadline that may be further off than a system timer allows (session expiry
/// and will delay go up to 136 years): it wakes at most every 40 days, and sleeps again for what is left. The deadline
/// is kept as the absolute time that a session store saves, so that a restart re-arms the same one.
/// </summary>
internal sealed class DeadlineTimer : IDisposable
{
    private static readonly TimeSpan MaxStep = TimeSpan.FromDays(40);
    private readonly TimeProvider _time;
    private readonly long _start;
    private readonly TimeSpan _delay;
    private readonly Action _action;
    private readonly ITimer _timer;

    /// <summary>Runs <paramref name="action"/> at <paramref name="deadline"/>, at once if it has passed by <paramref name="now"/>.</summary>
    public DeadlineTimer(TimeProvider time, DateTimeOffset now, DateTimeOffset deadline, Action action)
    {
        _time = time;
        _start = time.GetTimestamp();
        _delay = deadline > now ? deadline - now : TimeSpan.Zero;
        _action = action;
        Deadline = deadline;
        _timer = time.CreateTimer(static s => ((DeadlineTimer)s!).Fire(), this, _delay < MaxStep ? _delay : MaxStep, Timeout.InfiniteTimeSpan);
    }

    public DateTimeOffset Deadline { get; }

    public void Dispose() => _timer.Dispose();

    private void Fire()
    {
        var left = _delay - _time.GetElapsedTime(_start);
        if (left > TimeSpan.Zero)
        {
            _timer.Change(left < MaxStep ? left : MaxStep, Timeout.InfiniteTimeSpan);
            return;
        }

        _action();
    }
}
