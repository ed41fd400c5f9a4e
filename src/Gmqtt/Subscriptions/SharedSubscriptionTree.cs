using Gmqtt.Broker;
using Gmqtt.Protocol.Topics;

namespace Gmqtt.Subscriptions;

/// <summary>
/// The shared subscription groups, in a topic tree of their own keyed by the filter after the share name, so
/// that matching a topic costs one walk however many groups exist. It is read as <see cref="SubscriptionTree"/>
/// is (a <see cref="TopicTree{T}"/>): lock-free, each node's
/// groups (and each group's members) an immutable array swapped under that node's lock.
/// </summary>
internal sealed class SharedSubscriptionTree
{
    private readonly TopicTree<SharedSubscriptionGroup> _tree = new();
    private int _count;

    /// <summary>Number of memberships (one per session and group).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// Adds the session to the group its <c>$share/{ShareName}/{filter}</c> names, or replaces its options there.
    /// Returns true when the membership is new; false also when the filter is not a well-formed shared one.
    /// </summary>
    public bool Add(Subscription subscription)
    {
        if (!MqttTopic.TryParseShared(subscription.Filter, out var shareName, out var filter))
        {
            return false;
        }

        var added = _tree.Update(filter, create: true, (shareName, filter, subscription), static (ref SharedSubscriptionGroup[] groups, (string ShareName, string Filter, Subscription Subscription) s) =>
        {
            var group = Array.Find(groups, g => g.ShareName == s.ShareName);
            if (group is null)
            {
                group = new SharedSubscriptionGroup(s.ShareName, s.Filter);
                groups = [.. groups, group];
            }

            // Members are swapped whole under the node's lock, so routing reads them without one.
            var members = group.Members;
            var index = Array.FindIndex(members, m => m.Session == s.Subscription.Session);
            if (index >= 0)
            {
                var replaced = (Subscription[])members.Clone();
                replaced[index] = s.Subscription;
                group.Members = replaced;
                return false;
            }

            group.Members = [.. members, s.Subscription];
            return true;
        }, missing: false);

        if (added)
        {
            Interlocked.Increment(ref _count);
        }

        return added;
    }

    /// <summary>Removes the session from the group <paramref name="sharedFilter"/> names; false when it was not a member.</summary>
    public bool Remove(MqttSession session, string sharedFilter)
    {
        if (!MqttTopic.TryParseShared(sharedFilter, out var shareName, out var filter))
        {
            return false;
        }

        var removed = _tree.Update(filter, create: false, (shareName, session), static (ref SharedSubscriptionGroup[] groups, (string ShareName, MqttSession Session) s) =>
        {
            var group = Array.Find(groups, g => g.ShareName == s.ShareName);
            var members = group?.Members ?? [];
            var index = Array.FindIndex(members, m => m.Session == s.Session);
            if (group is null || index < 0)
            {
                return false;
            }

            group.Members = members.Length == 1 ? [] : [.. members[..index], .. members[(index + 1)..]];
            if (group.Members.Length == 0)
            {
                // The last member left: the group goes, so a later one under the same name starts afresh.
                groups = [.. groups.Where(g => g != group)];
            }

            return true;
        }, missing: false);

        if (removed)
        {
            Interlocked.Decrement(ref _count);
        }

        return removed;
    }

    /// <summary>The group named by <paramref name="sharedFilter"/>, or null when it has no member.</summary>
    public SharedSubscriptionGroup? FindGroup(string sharedFilter) =>
        MqttTopic.TryParseShared(sharedFilter, out var shareName, out var filter)
            ? Array.Find(_tree.Get(filter), g => g.ShareName == shareName)
            : null;

    /// <summary>Adds every group whose filter matches <paramref name="topic"/> to <paramref name="matches"/>.</summary>
    public void Match(string topic, List<SharedSubscriptionGroup> matches) => _tree.Match(topic, matches);
}
