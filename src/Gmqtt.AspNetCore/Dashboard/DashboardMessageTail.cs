using Gmqtt.Hooks;
using Gmqtt.Protocol.Topics;
using Microsoft.Extensions.Options;

namespace Gmqtt.AspNetCore.Dashboard;

/// <summary>
/// Fans published messages out to the dashboard's live tails. A publish hook (<c>AddDashboard()</c> adds it): the
/// broker runs it for client PUBLISH packets, wills and the server-side <c>PublishAsync</c> alike, after the hooks
/// added before it — so a tail shows what they let through and how they changed it.
/// </summary>
/// <remarks>
/// With no tail open a message costs one volatile read. With tails, it costs a topic match per tail and, when one
/// matches, a copy of at most <see cref="GmqttDashboardOptions.PayloadPreviewBytes"/> payload bytes. It never awaits
/// and never blocks: each tail's channel is bounded and drops its oldest entry when the browser falls behind.
/// </remarks>
internal sealed class DashboardMessageTail(IOptions<GmqttDashboardOptions> options, TimeProvider time) : IMqttHook
{
    private readonly GmqttDashboardOptions _options = options.Value;
    private readonly Lock _gate = new();

    // Copy-on-write, so the publish path reads it without a lock; tails open and close rarely.
    private TailSubscription[] _tails = [];

    /// <summary>Tails open now.</summary>
    public int OpenCount => Volatile.Read(ref _tails).Length;

    public ValueTask OnPublishAsync(MqttPublishContext context)
    {
        var tails = Volatile.Read(ref _tails);
        if (tails.Length == 0)
        {
            return ValueTask.CompletedTask;
        }

        var message = context.Message;
        TailEntry? entry = null;
        foreach (var tail in tails)
        {
            if (MqttTopic.Matches(message.Topic, tail.Filter))
            {
                // One entry, built once, is shared by every tail that matches.
                tail.Offer(entry ??= TailEntry.Create(message, context.Client?.ClientId, time.GetUtcNow(), _options.PayloadPreviewBytes));
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Opens a tail for a valid, non-shared topic filter; <see langword="null"/> when <see cref="GmqttDashboardOptions.MaxTails"/> are open.</summary>
    public TailSubscription? TryOpen(string filter)
    {
        lock (_gate)
        {
            if (_tails.Length >= _options.MaxTails)
            {
                return null;
            }

            var tail = new TailSubscription(this, filter, _options.TailBufferSize);
            Volatile.Write(ref _tails, [.. _tails, tail]);
            return tail;
        }
    }

    internal void Remove(TailSubscription tail)
    {
        lock (_gate)
        {
            Volatile.Write(ref _tails, Array.FindAll(_tails, t => t != tail));
        }
    }
}
