using System.Collections.Concurrent;
using Gmqtt.Storage;

namespace Gmqtt.Tests.Durability;

/// <summary>
/// A durable store (<see cref="MqttStoreDurability.Commit"/> unless set) that records every change it is told, can hold commits
/// back until released, and can fail them: to see what reaches the store, and when the broker acknowledges.
/// </summary>
internal sealed class RecordingSessionStore : IMqttSessionStore
{
    private TaskCompletionSource _release = CompletedGate();

    public ConcurrentQueue<MqttStoreChange> Changes { get; } = new();

    /// <summary>When set, commits throw this (a disk that is full, say).</summary>
    public Exception? Failure { get; set; }

    public MqttStoreDurability Durability { get; init; } = MqttStoreDurability.Commit;

    public TimeSpan CommitInterval { get; init; } = TimeSpan.Zero;

    /// <summary>Holds every commit from now on until <see cref="Release"/>.</summary>
    public void Hold() => _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _release.TrySetResult();

    public ValueTask<MqttStoreSnapshot> LoadAsync(CancellationToken cancellationToken) => ValueTask.FromResult(MqttStoreSnapshot.Empty);

    public async ValueTask CommitAsync(IReadOnlyList<MqttStoreChange> changes, CancellationToken cancellationToken)
    {
        await _release.Task;
        if (Failure is { } failure)
        {
            throw failure;
        }

        foreach (var change in changes)
        {
            Changes.Enqueue(change);
        }
    }

    public IEnumerable<T> Of<T>()
        where T : MqttStoreChange => Changes.OfType<T>();

    private static TaskCompletionSource CompletedGate()
    {
        var gate = new TaskCompletionSource();
        gate.SetResult();
        return gate;
    }
}
