using System.Collections.Concurrent;
using Gmqtt.Broker;
using Gmqtt.Protocol.Topics;

namespace Gmqtt.Subscriptions;

/// <summary>
/// The topic tree: one node per filter level. Readers (routing) take no lock: children are a
/// <see cref="ConcurrentDictionary{TKey,TValue}"/> looked up by span, and each node's subscribers are an
/// immutable array swapped on change. Writers (subscribe/unsubscribe) lock only the node they change.
/// </summary>
internal sealed class SubscriptionTree
{
    private readonly Node _root = new(null, "");
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

        while (true)
        {
            var node = GetOrCreate(subscription.Filter);
            lock (node)
            {
                if (node.Removed)
                {
                    continue; // Pruned between lookup and lock: walk again.
                }

                var current = node.Subscribers;
                for (var i = 0; i < current.Length; i++)
                {
                    if (current[i].Session == subscription.Session)
                    {
                        var replaced = (Subscription[])current.Clone();
                        replaced[i] = subscription;
                        node.Subscribers = replaced;
                        return false;
                    }
                }

                node.Subscribers = [.. current, subscription];
                Interlocked.Increment(ref _count);
                return true;
            }
        }
    }

    /// <summary>Removes the session's subscription to <paramref name="filter"/>. Returns false when there was none.</summary>
    public bool Remove(MqttSession session, string filter)
    {
        if (MqttTopic.IsShared(filter))
        {
            return Shared.Remove(session, filter);
        }

        var node = Find(filter);
        if (node is null)
        {
            return false;
        }

        lock (node)
        {
            var current = node.Subscribers;
            var index = Array.FindIndex(current, s => s.Session == session);
            if (index < 0)
            {
                return false;
            }

            node.Subscribers = current.Length == 1 ? [] : [.. current[..index], .. current[(index + 1)..]];
            Interlocked.Decrement(ref _count);
        }

        Prune(node);
        return true;
    }

    /// <summary>Adds every subscription whose filter matches <paramref name="topic"/> to <paramref name="matches"/>.</summary>
    public void Match(string topic, List<Subscription> matches)
    {
        // A filter starting with a wildcard does not match a topic starting with '$' [MQTT-4.7.2-1].
        var dollar = topic.Length > 0 && topic[0] == '$';
        MatchLevel(_root, topic.AsSpan(), matches, dollar);
    }

    private static void MatchLevel(Node node, ReadOnlySpan<char> rest, List<Subscription> matches, bool skipWildcards)
    {
        var separator = rest.IndexOf('/');
        var level = separator < 0 ? rest : rest[..separator];
        var children = node.Children;

        if (!skipWildcards)
        {
            // '#' matches this level and everything below, and also the parent level ("a/#" matches "a").
            if (children.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue("#", out var multi))
            {
                matches.AddRange(multi.Subscribers);
            }

            if (children.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue("+", out var single))
            {
                Descend(single, rest, separator, matches);
            }
        }

        if (children.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(level, out var exact))
        {
            Descend(exact, rest, separator, matches);
        }
    }

    private static void Descend(Node child, ReadOnlySpan<char> rest, int separator, List<Subscription> matches)
    {
        if (separator < 0)
        {
            // Last topic level: the child's own subscribers match, and so does a "#" below it.
            matches.AddRange(child.Subscribers);
            if (child.Children.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue("#", out var multi))
            {
                matches.AddRange(multi.Subscribers);
            }

            return;
        }

        MatchLevel(child, rest[(separator + 1)..], matches, skipWildcards: false);
    }

    /// <summary>
    /// Walks to the filter's node, creating missing levels. A child is created under its parent's lock after
    /// checking the parent was not pruned, so a new branch is never hung on a detached node.
    /// </summary>
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

    /// <summary>Removes empty leaf nodes so that the tree does not grow with every filter ever used.</summary>
    private static void Prune(Node node)
    {
        while (node.Parent is { } parent)
        {
            lock (parent)
            {
                lock (node)
                {
                    if (node.Subscribers.Length != 0 || !node.Children.IsEmpty)
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

        public Subscription[] Subscribers { get; set; } = [];

        /// <summary>Set under the node's lock when pruned; an adder that sees it walks the tree again.</summary>
        public bool Removed { get; set; }
    }
}
