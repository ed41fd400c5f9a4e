namespace Gmqtt.Broker;

/// <summary>
/// One async lock per client identifier, which exists only while someone holds it or waits for it. A takeover holds
/// its identifier's lock while the old connection tears down (close hooks, will, up to a 5 s writer drain); only
/// CONNECTs and expiries of that same identifier wait, never those of another one that shares a hash bucket.
/// </summary>
internal sealed class ClientIdLocks
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Waits for the identifier's lock; dispose the result to release it.</summary>
    public async ValueTask<Releaser> AcquireAsync(string clientId)
    {
        Entry? entry;
        lock (_gate)
        {
            if (!_entries.TryGetValue(clientId, out entry))
            {
                entry = new Entry();
                _entries.Add(clientId, entry);
            }

            // Counted before waiting: the entry stays while anyone waits for it, so all waiters share one semaphore.
            entry.References++;
        }

        await entry.Semaphore.WaitAsync().ConfigureAwait(false);
        return new Releaser(this, clientId, entry);
    }

    private void Release(string clientId, Entry entry)
    {
        lock (_gate)
        {
            if (--entry.References == 0)
            {
                _entries.Remove(clientId);
            }
        }

        // A waiter counted itself in References before waiting, so the entry it waits on was not removed above.
        entry.Semaphore.Release();
    }

    /// <summary>Releases the lock when disposed.</summary>
    public readonly struct Releaser(ClientIdLocks owner, string clientId, Entry entry) : IDisposable
    {
        public void Dispose() => owner.Release(clientId, entry);
    }

    /// <summary>A lock and the number of its holders and waiters (guarded by <see cref="_gate"/>).</summary>
    internal sealed class Entry
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int References { get; set; }
    }
}
