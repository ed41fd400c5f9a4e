using System.Collections.Concurrent;
using Gmqtt.Protocol.Topics;

namespace Gmqtt.Storage;

/// <summary>The default retained store: a concurrent dictionary keyed by topic.</summary>
public sealed class InMemoryRetainedMessageStore : IMqttRetainedMessageStore
{
    private readonly ConcurrentDictionary<string, MqttApplicationMessage> _messages = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public int Count => _messages.Count;

    /// <inheritdoc />
    public void Set(MqttApplicationMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _messages[message.Topic] = message;
    }

    /// <inheritdoc />
    public bool Remove(string topic) => _messages.TryRemove(topic, out _);

    /// <inheritdoc />
    public MqttApplicationMessage? Get(string topic) => _messages.GetValueOrDefault(topic);

    /// <inheritdoc />
    public IReadOnlyList<MqttApplicationMessage> Match(string filter)
    {
        if (!MqttTopic.HasWildcards(filter))
        {
            return _messages.TryGetValue(filter, out var exact) ? [exact] : [];
        }

        var matches = new List<MqttApplicationMessage>();
        foreach (var (topic, message) in _messages)
        {
            if (MqttTopic.Matches(topic, filter))
            {
                matches.Add(message);
            }
        }

        return matches;
    }
}
