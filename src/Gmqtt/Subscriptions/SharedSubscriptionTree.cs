using System.Collections.Concurrent;
using Gmqtt.Broker;
using Gmqtt.Protocol.Topics;

namespace Gmqtt.Subscriptions;

/// <summary>
/// The shared subscription groups, in a topic tree of their own keyed by the filter after the share name, so
/// that matching a topic costs one walk however many groups exist. It is read as <see cref="SubscriptionTree"/>
/// is: lock-free, children in a <see cref="ConcurrentDictionary{TKey,TValue}"/> looked up by span, each node's
/// groups (and each group's members) an immutable array swapped under that node's lock.
/// </summary>
internal sealed class SharedSubscriptionTree
{
    private readonly Node _root = new(null, "");
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

        while (true)
        {
            var node = GetOrCreate(filter);
            lock (node)
            {
                if (node.Removed)
                {
                    continue; // Pruned between lookup and lock: walk again.
                }

                var group = Array.Find(node.Groups, g => g.ShareName == shareName);
                if (group is null)
                {
                    group = new SharedSubscriptionGroup(shareName, filter);
                    node.Groups = [.. node.Groups, group];
                }

                var members = group.Members;
                var index = Array.FindIndex(members, m => m.Session == subscription.Session);
                if (index >= 0)
                {
                    var replaced = (Subscription[])members.Clone();
                    replaced[index] = subscription;
                    group.Members = replaced;
                    return false;
                }

                group.Members = [.. members, subscription];
                Interlocked.Increment(ref _count);
                return true;
            }
        }
    }

    /// <summary>Removes the session from the group <paramref name="sharedFilter"/> names; false when it was not a member.</summary>
    public bool Remove(MqttSession session, string sharedFilter) => Remove(session, sharedFilter, out _);

    /// <summary>As <see cref="Remove(MqttSession, string)"/>, also giving the group (which may now be empty and detached).</summary>
    public bool Remove(MqttSession session, string sharedFilter, out SharedSubscriptionGroup? group)
    {
        group = null;
        if (!MqttTopic.TryParseShared(sharedFilter, out var shareName, out var filter) || Find(filter) is not { } node)
        {
            return false;
        }

        lock (node)
        {
            var found = Array.Find(node.Groups, g => g.ShareName == shareName);
            var members = found?.Members ?? [];
            var index = Array.FindIndex(members, m => m.Session == session);
            if (found is null || index < 0)
            {
                return false;
            }

            group = found;
            found.Members = members.Length == 1 ? [] : [.. members[..index], .. members[(index + 1)..]];
            if (found.Members.Length == 0)
            {
                // The last member left: the group goes, so a later one under the same name starts afresh.
                node.Groups = [.. node.Groups.Where(g => g != found)];
            }

            Interlocked.Decrement(ref _count);
        }

        Prune(node);
        return true;
    }

    /// <summary>The group named by <paramref name="sharedFilter"/>, or null when it has no member.</summary>
    public SharedSubscriptionGroup? FindGroup(string sharedFilter) =>
        MqttTopic.TryParseShared(sharedFilter, out var shareName, out var filter) && Find(filter) is { } node
            ? Array.Find(node.Groups, g => g.ShareName == shareName)
            : null;

    /// <summary>Adds every group whose filter matches <paramref name="topic"/> to <paramref name="matches"/>.</summary>
    public void Match(string topic, List<SharedSubscriptionGroup> matches)
    {
        // A filter starting with a wildcard does not match a topic starting with '$' [MQTT-4.7.2-1].
        var dollar = topic.Length > 0 && topic[0] == '$';
        MatchLevel(_root, topic.AsSpan(), matches, dollar);
    }

    private static void MatchLevel(Node node, ReadOnlySpan<char> rest, List<SharedSubscriptionGroup> matches, bool skipWildcards)
    {
        var separator = rest.IndexOf('/');
        var level = separator < 0 ? rest : rest[..separator];
        var children = node.Children.GetAlternateLookup<ReadOnlySpan<char>>();

        if (!skipWildcards)
        {
            // '#' matches this level and everything below, and also the parent level ("a/#" matches "a").
            if (children.TryGetValue("#", out var multi))
            {
                matches.AddRange(multi.Groups);
            }

            if (children.TryGetValue("+", out var single))
            {
                Descend(single, rest, separator, matches);
            }
        }

        if (children.TryGetValue(level, out var exact))
        {
            Descend(exact, rest, separator, matches);
        }
    }

    private static void Descend(Node child, ReadOnlySpan<char> rest, int separator, List<SharedSubscriptionGroup> matches)
    {
        if (separator < 0)
        {
            matches.AddRange(child.Groups);
            if (child.Children.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue("#", out var multi))
            {
                matches.AddRange(multi.Groups);
            }

            return;
        }

        MatchLevel(child, rest[(separator + 1)..], matches, skipWildcards: false);
    }

    private Node GetOrCreate(string filter)
    {
        var node = _root;
        foreach (var range in filter.AsSpan().Split('/'))
        {
            if (node.Children.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(filter.AsSpan()[range], out var existing))
            {
                node = existing;
                continue;
            }

            var parent = node;
            lock (parent)
            {
                if (parent.Removed)
                {
                    return GetOrCreate(filter);
                }

                node = parent.Children.GetOrAdd(filter[range], static (key, p) => new Node(p, key), parent);
            }
        }

        return node;
    }

    private Node? Find(string filter)
    {
        var node = _root;
        foreach (var range in filter.AsSpan().Split('/'))
        {
            if (!node.Children.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(filter.AsSpan()[range], out var child))
            {
                return null;
            }

            node = child;
        }

        return node;
    }

    private static void Prune(Node node)
    {
        while (node.Parent is { } parent)
        {
            lock (parent)
            {
                lock (node)
                {
                    if (node.Groups.Length != 0 || !node.Children.IsEmpty)
                    {
                        return;
                    }

                    node.Removed = true;
                    parent.Children.TryRemove(new KeyValuePair<string, Node>(node.Level, node));
                }
            }

            node = parent;
        }
    }

    private sealed class Node(Node? parent, string level)
    {
        public Node? Parent { get; } = parent;

        public string Level { get; } = level;

        public ConcurrentDictionary<string, Node> Children { get; } = new(StringComparer.Ordinal);

        public SharedSubscriptionGroup[] Groups { get; set; } = [];

        public bool Removed { get; set; }
    }
}
