using Gmqtt.Broker;
using Gmqtt.Protocol.Topics;

namespace Gmqtt.Subscriptions;

/// <summary>
/// The subscriptions of every session, in a <see cref="TopicTree{T}"/> read without locks by routing;
/// <c>$share/</c> filters go to <see cref="Shared"/>.
/// </summary>
internal sealed class SubscriptionTree
{
    private readonly TopicTree<Subscription> _tree = new();
    private int _count;

    /// <summary>Number of subscriptions in the tree, shared ones included.</summary>
    public int Count => Volatile.Read(ref _count) + Shared.Count;

    /// <summary>The MQTT 5.0 shared subscription groups: <see cref="Add"/> and <see cref="Remove"/> send <c>$share/</c> filters there.</summary>
    public SharedSubscriptionTree Shared { get; } = new();

    /// <summary>Adds or replaces the session's subscription to the same filter. Returns true when it was new.</summary>
    public bool Add(Subscription subscription)
    {
        if (MqttTopic.IsShared(subscription.Filter))
        {
            return Shared.Add(subscription);
        }

        var added = _tree.Update(subscription.Filter, create: true, subscription, static (ref Subscription[] items, Subscription s) =>
        {
            var index = Array.FindIndex(items, i => i.Session == s.Session);
            if (index >= 0)
            {
                items = (Subscription[])items.Clone();
                items[index] = s;
                return false;
            }

            items = [.. items, s];
            return true;
        }, missing: false);

        if (added)
        {
            Interlocked.Increment(ref _count);
        }

        return added;
    }

    /// <summary>Removes the session's subscription to <paramref name="filter"/>. Returns false when there was none.</summary>
    public bool Remove(MqttSession session, string filter)
    {
        if (MqttTopic.IsShared(filter))
        {
            return Shared.Remove(session, filter);
        }

        var removed = _tree.Update(filter, create: false, session, static (ref Subscription[] items, MqttSession s) =>
        {
            var index = Array.FindIndex(items, i => i.Session == s);
            if (index < 0)
            {
                return false;
            }

            items = items.Length == 1 ? [] : [.. items[..index], .. items[(index + 1)..]];
            return true;
        }, missing: false);

        if (removed)
        {
            Interlocked.Decrement(ref _count);
        }

        return removed;
    }

    /// <summary>Adds every subscription whose filter matches <paramref name="topic"/> to <paramref name="matches"/>.</summary>
    public void Match(string topic, List<Subscription> matches) => _tree.Match(topic, matches);
}
