namespace Gmqtt.Broker;

/// <summary>
/// Runs an action once after a delay that may be longer than a system timer allows (session expiry and will
/// delay go up to 136 years): it wakes at most every 40 days, and sleeps again for what is left.
/// </summary>
internal sealed class DeadlineTimer : IDisposable
{
    private static readonly TimeSpan MaxStep = TimeSpan.FromDays(40);
    private readonly TimeProvider _time;
    private readonly long _start;
    private readonly TimeSpan _delay;
    private readonly Action _action;
    private readonly ITimer _timer;

    public DeadlineTimer(TimeProvider time, TimeSpan delay, Action action)
    {
        _time = time;
        _start = time.GetTimestamp();
        _delay = delay;
        _action = action;
        _timer = time.CreateTimer(static s => ((DeadlineTimer)s!).Fire(), this, delay < MaxStep ? delay : MaxStep, Timeout.InfiniteTimeSpan);
    }

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
