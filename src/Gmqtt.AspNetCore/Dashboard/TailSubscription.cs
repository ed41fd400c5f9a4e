using System.Threading.Channels;

namespace Gmqtt.AspNetCore.Dashboard;

/// <summary>One open live tail: a topic filter and a bounded buffer that drops its oldest entry when full.</summary>
internal sealed class TailSubscription : IDisposable
{
    private readonly DashboardMessageTail _owner;
    private readonly Channel<TailEntry> _channel;
    private long _dropped;
    private int _disposed;

    public TailSubscription(DashboardMessageTail owner, string filter, int capacity)
    {
        _owner = owner;
        Filter = filter;
        _channel = Channel.CreateBounded<TailEntry>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    public string Filter { get; }

    /// <summary>Entries dropped so far because the reader fell behind.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public ChannelReader<TailEntry> Reader => _channel.Reader;

    /// <summary>Never blocks and never fails: a full buffer drops its oldest entry.</summary>
    public void Offer(TailEntry entry) => _channel.Writer.TryWrite(entry);

    /// <summary>Stops receiving; idempotent (the request's end and the stream's end both call it).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _owner.Remove(this);
            _channel.Writer.TryComplete();
        }
    }
}
