using Gmqtt.Broker;

namespace Gmqtt.Subscriptions;

/// <summary>
/// One MQTT 5.0 shared subscription, <c>$share/{ShareName}/{Filter}</c> (section 4.8.2): the sessions subscribed
/// to it, each with its own options. Members are an immutable array swapped under the owning tree node's lock,
/// so routing reads them without a lock; the member picking state is updated with interlocked operations only.
/// </summary>
internal sealed class SharedSubscriptionGroup(string shareName, string filter)
{
    private int _turn = -1;
    private MqttSession? _sticky;

    public string ShareName { get; } = shareName;

    /// <summary>The topic filter after the share name.</summary>
    public string Filter { get; } = filter;

    /// <summary>The members' subscriptions; their <see cref="Subscription.Filter"/> is the whole <c>$share/</c> filter.</summary>
    public Subscription[] Members { get; set; } = [];

    /// <summary>
    /// Where the search for a member starts. Each strategy picks its first choice; when that member cannot take
    /// the message the caller moves on to the next one, so the choice is a starting point, not a promise.
    /// </summary>
    public int PickStart(Subscription[] members, MqttSharedSubscriptionStrategy strategy, MqttApplicationMessage message)
    {
        var count = (uint)members.Length;
        switch (strategy)
        {
            case MqttSharedSubscriptionStrategy.Random:
                return Random.Shared.Next(members.Length);
            case MqttSharedSubscriptionStrategy.HashClientId:
                return (int)(StableHash(message.SenderClientId) % count);
            case MqttSharedSubscriptionStrategy.HashTopic:
                return (int)(StableHash(message.Topic) % count);
            case MqttSharedSubscriptionStrategy.Sticky:
                var sticky = Volatile.Read(ref _sticky);
                if (sticky is not null && sticky.Connection is not null)
                {
                    for (var i = 0; i < members.Length; i++)
                    {
                        if (members[i].Session == sticky)
                        {
                            return i;
                        }
                    }
                }

                // The sticky member went away (or there was none yet): take turns for the next one.
                goto default;
            default:
                return (int)((uint)Interlocked.Increment(ref _turn) % count);
        }
    }

    /// <summary>
    /// Sticky strategy: <paramref name="taker"/> took a message. It becomes the sticky member when the current
    /// one went away (left the group or went offline); a sticky member that was merely full stays sticky.
    /// </summary>
    public void OnTaken(Subscription[] members, MqttSession taker)
    {
        var sticky = Volatile.Read(ref _sticky);
        if (sticky == taker)
        {
            return;
        }

        if (sticky is null || sticky.Connection is null || Array.FindIndex(members, m => m.Session == sticky) < 0)
        {
            Interlocked.CompareExchange(ref _sticky, taker, sticky);
        }
    }

    /// <summary>
    /// FNV-1a over the UTF-16 code units: the same on every process and node, unlike <see cref="string.GetHashCode()"/>,
    /// so that a hash strategy keeps sending one publisher or topic to the same member across restarts.
    /// </summary>
    private static uint StableHash(string? value)
    {
        var hash = 2166136261u;
        foreach (var c in value.AsSpan())
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
