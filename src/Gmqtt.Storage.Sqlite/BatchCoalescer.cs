namespace Gmqtt.Storage.Sqlite;

/// <summary>
/// Finds the changes of one commit that are never worth writing: an outbox entry or message body saved and removed in
/// the same batch (a QoS 1 message delivered and acknowledged before its commit — the common case when subscribers
/// keep up), and a save that a later save of the same entry in the batch replaces (an entry queued, then sent with its
/// packet identifier). Every save is a whole record, so the state after the batch is the same either way; the log only
/// loses records nobody could ever load. A removal is kept when what it removes was already on disk.
/// </summary>
internal sealed class BatchCoalescer
{
    // The index of the one save of each entry or message body in this batch that is still to be written.
    private readonly Dictionary<long, int> _entries = [];
    private readonly Dictionary<long, int> _messages = [];
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
                    _entries.Clear();
                    _messages.Clear();
                    break;
            }
        }

        _entries.Clear();
        _messages.Clear();
        return _cancelled;
    }

    /// <summary>A save replaces the earlier save of the same key in this batch.</summary>
    private void Saved(Dictionary<long, int> saves, long key, int index)
    {
        if (saves.TryGetValue(key, out var earlier))
        {
            _cancelled[earlier] = true;
        }

        saves[key] = index;
    }

    /// <summary>Cancels the save of <paramref name="key"/> in this batch; true when there was one.</summary>
    private bool Removed(Dictionary<long, int> saves, long key)
    {
        if (!saves.Remove(key, out var index))
        {
            return false;
        }

        _cancelled[index] = true;
        return true;
    }
}
