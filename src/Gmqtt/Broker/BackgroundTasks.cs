using System.Collections.Concurrent;

namespace Gmqtt.Broker;

/// <summary>
/// Async work that timer callbacks start (session expiry, delayed wills, <c>$SYS</c> updates): tracked, so that a
/// stop waits for it rather than leaving it to run into stopped hooks.
/// </summary>
internal sealed class BackgroundTasks
{
    private readonly ConcurrentDictionary<Task, byte> _tasks = new();

    public void Track(Task task)
    {
        _tasks.TryAdd(task, 0);
        task.ContinueWith(static (t, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(t, out _), _tasks, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Completes when every task tracked so far has.</summary>
    public Task WhenAll() => Task.WhenAll(_tasks.Keys);
}
