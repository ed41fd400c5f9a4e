using System.Collections.Concurrent;

namespace Gmqtt.Subscriptions;

/// <summary>
/// A topic-filter tree, one node per filter level, holding an immutable array of items per filter. Readers
/// (routing) take no lock: children are a <see cref="ConcurrentDictionary{TKey,TValue}"/> looked up by span and
/// each node's items are swapped whole. Writers lock only the node they change, and empty leaves are pruned so
/// the tree does not grow with every filter ever used.
/// </summary>
/// <typeparam name="T">What a filter holds: subscriptions, or shared subscription groups.</typeparam>
internal sealed class TopicTree<T>
    where T : class
{
    private readonly Node _root = new(null, "");

    /// <summary>A change to one filter's items, made under that node's lock; returns the new array through <paramref name="items"/>.</summary>
    public delegate TResult Change<TState, TResult>(ref T[] items, TState state);

    /// <summary>Applies <paramref name="change"/> to the items of <paramref name="filter"/>, creating the node when <paramref name="create"/>.</summary>
    /// <returns>The change's result, or <paramref name="missing"/> when the filter has no node and none was created.</returns>
    public TResult Update<TState, TResult>(string filter, bool create, TState state, Change<TState, TResult> change, TResult missing)
    {
        while (true)
        {
            var node = create ? GetOrCreate(filter) : Find(filter);
            if (node is null)
            {
                return missing;
            }

            TResult result;
            lock (node)
            {
                if (node.Removed)
                {
                    continue; // Pruned between lookup and lock: walk again.
                }

                var items = node.Items;
                result = change(ref items, state);
                node.Items = items;
            }

            if (node.Items.Length == 0)
            {
                Prune(node);
            }

            return result;
        }
    }

    /// <summary>The items of exactly <paramref name="filter"/>, or an empty array.</summary>
    public T[] Get(string filter) => Find(filter)?.Items ?? [];

    /// <summary>Adds the items of every filter that matches <paramref name="topic"/> to <paramref name="matches"/>.</summary>
    public void Match(string topic, List<T> matches)
    {
        // A filter starting with a wildcard does not match a topic starting with '$' [MQTT-4.7.2-1].
        var dollar = topic.Length > 0 && topic[0] == '$';
        MatchLevel(_root, topic.AsSpan(), matches, dollar);
    }

    private static void MatchLevel(Node node, ReadOnlySpan<char> rest, List<T> matches, bool skipWildcards)
    {
        var separator = rest.IndexOf('/');
        var level = separator < 0 ? rest : rest[..separator];

        if (!skipWildcards)
        {
            // '#' matches this level and everything below, and also the parent level ("a/#" matches "a").
            if (node.MultiLevel is { } multi)
            {
                matches.AddRange(multi.Items);
            }

            if (node.SingleLevel is { } single)
            {
                Descend(single, rest, separator, matches);
            }
        }

        if (node.Children.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(level, out var exact))
        {
            Descend(exact, rest, separator, matches);
        }
    }

    private static void Descend(Node child, ReadOnlySpan<char> rest, int separator, List<T> matches)
    {
        if (separator < 0)
        {
            // Last topic level: the child's own items match, and so does a "#" below it.
            matches.AddRange(child.Items);
            if (child.MultiLevel is { } multi)
            {
                matches.AddRange(multi.Items);
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
                parent.SetWildcardChild(node);
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

    /// <summary>Removes empty leaf nodes, walking up while parents become empty.</summary>
    private static void Prune(Node node)
    {
        while (node.Parent is { } parent)
        {
            lock (parent)
            {
                lock (node)
                {
                    if (node.Items.Length != 0 || !node.Children.IsEmpty)
                    {
                        return;
                    }

                    node.Removed = true;
                    parent.Children.TryRemove(new KeyValuePair<string, Node>(node.Level, node));
                    parent.ClearWildcardChild(node);
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

        public T[] Items { get; set; } = [];

        /// <summary>Set under the node's lock when pruned; a writer that sees it walks the tree again.</summary>
        public bool Removed { get; set; }

        /// <summary>
        /// The "+" child, also in <see cref="Children"/>: matching reads it at every level, so it is a field rather
        /// than a hash lookup. Set and cleared under this node's lock, with the dictionary entry.
        /// </summary>
        public Node? SingleLevel { get => Volatile.Read(ref _singleLevel); private set => Volatile.Write(ref _singleLevel, value); }

        /// <summary>The "#" child, kept like <see cref="SingleLevel"/>.</summary>
        public Node? MultiLevel { get => Volatile.Read(ref _multiLevel); private set => Volatile.Write(ref _multiLevel, value); }

        private Node? _singleLevel;
        private Node? _multiLevel;

        /// <summary>Records <paramref name="child"/> (just added to <see cref="Children"/>) when it is a wildcard level. Under this node's lock.</summary>
        public void SetWildcardChild(Node child)
        {
            if (child.Level == "+")
            {
                SingleLevel = child;
            }
            else if (child.Level == "#")
            {
                MultiLevel = child;
            }
        }

        /// <summary>Forgets <paramref name="child"/> (just removed from <see cref="Children"/>). Under this node's lock.</summary>
        public void ClearWildcardChild(Node child)
        {
            if (SingleLevel == child)
            {
                SingleLevel = null;
            }
            else if (MultiLevel == child)
            {
                MultiLevel = null;
            }
        }
    }
}
