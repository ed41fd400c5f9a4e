using System.Collections.Concurrent;
using Gmqtt.Protocol.Topics;

namespace Gmqtt.Storage;

/// <summary>The default retained store: a concurrent dictionary keyed by topic.</summary>
/// <param name="timeProvider">
/// The clock that starts the expiry of a message handed over without <see cref="MqttApplicationMessage.ExpiresAt"/>;
/// the system clock when null. DI passes the broker's.
/// </param>
public sealed class InMemoryRetainedMessageStore(TimeProvider? timeProvider = null) : IMqttRetainedMessageStore
{
    private readonly ConcurrentDictionary<string, MqttApplicationMessage> _messages = new(StringComparer.Ordinal);
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <inheritdoc />
    public int Count => _messages.Count;

    /// <inheritdoc />
    public void Set(MqttApplicationMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.ExpiresAt is null)
        {
            // Not from the broker (which starts the expiry on receipt): the Message Expiry Interval counts from now.
            message.StartExpiry(_time);
        }

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
