namespace Gmqtt.Storage.Sqlite;

/// <summary>
/// Finds the changes of one commit that cancel out, so that they are never written: an outbox entry saved and removed
/// in the same batch (a QoS 1 message delivered and acknowledged before its commit — the common case when subscribers
/// keep up), and a message body saved and removed in it. The state after the batch is the same either way; the log
/// only loses records nobody could ever load. A removal is kept when what it removes was already on disk.
/// </summary>
internal sealed class BatchCoalescer
{
    private readonly Dictionary<long, List<int>> _entries = [];
    private readonly Dictionary<long, List<int>> _messages = [];
    private readonly Stack<List<int>> _spare = new();
    private bool[] _cancelled = new bool[1024];

    /// <summary>One flag per change; valid until the next call. <paramref name="onDisk"/> is the state before the batch.</summary>
    public bool[] Cancelled(IReadOnlyList<MqttStoreChange> changes, StoredState onDisk)
    {
        if (_cancelled.Length < changes.Count)
        {
            _cancelled = new bool[Math.Max(changes.Count, _cancelled.Length * 2)];
        }

        Array.Clear(_cancelled, 0, changes.Count);
        for (var i = 0; i < changes.Count; i++)
        {
            switch (changes[i])
            {
                case MqttStoreChange.OutboxEntrySaved { Entry.Sequence: var sequence }:
                    Saved(_entries, sequence, i);
                    break;
                case MqttStoreChange.OutboxEntryRemoved { Sequence: var sequence }:
                    _cancelled[i] = Removed(_entries, sequence) && !onDisk.HasEntry(sequence);
                    break;
                case MqttStoreChange.MessageSaved { Message.Id: var id }:
                    Saved(_messages, id, i);
                    break;
                case MqttStoreChange.MessageRemoved { MessageId: var id }:
                    _cancelled[i] = Removed(_messages, id) && !onDisk.HasMessage(id);
                    break;
                case MqttStoreChange.SessionRemoved:
                    // Removes entries by session, not by sequence: keep every save before it as it is (rare).
                    Forget(_entries);
                    Forget(_messages);
                    break;
            }
        }

        Forget(_entries);
        Forget(_messages);
        return _cancelled;
    }

    private void Saved(Dictionary<long, List<int>> saves, long key, int index)
    {
        if (!saves.TryGetValue(key, out var indices))
        {
            saves[key] = indices = _spare.Count > 0 ? _spare.Pop() : [];
        }

        indices.Add(index);
    }

    /// <summary>Cancels the saves of <paramref name="key"/> in this batch; true when there were any.</summary>
    private bool Removed(Dictionary<long, List<int>> saves, long key)
    {
        if (!saves.Remove(key, out var indices))
        {
            return false;
        }

        foreach (var index in indices)
        {
            _cancelled[index] = true;
        }

        indices.Clear();
        _spare.Push(indices);
        return true;
    }

    private void Forget(Dictionary<long, List<int>> saves)
    {
        foreach (var indices in saves.Values)
        {
            indices.Clear();
            _spare.Push(indices);
        }

        saves.Clear();
    }
}
