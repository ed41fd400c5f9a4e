using Gmqtt.Protocol;

namespace Gmqtt.Broker;

/// <summary>
/// The retained messages one new subscription matched, sent as the client takes them rather than queued at once:
/// the store's snapshot and the index of the next one. It belongs to the session, not the connection, so a
/// persistent session resumes it after a reconnect; the queue limits never apply to it. Each
/// <see cref="OutboundMessage"/> is made only when its message is taken, so a large snapshot costs one list.
/// </summary>
internal sealed class RetainedStream(string filter, IReadOnlyList<MqttApplicationMessage> messages, MqttQualityOfService qos, List<uint>? subscriptionIds)
{
    /// <summary>The subscription's filter: an UNSUBSCRIBE or a new stream for the same filter cancels this one.</summary>
    public string Filter { get; } = filter;

    /// <summary>The matched retained messages as the store returned them at subscribe time; never changed.</summary>
    public IReadOnlyList<MqttApplicationMessage> Messages { get; } = messages;

    /// <summary>The subscription's granted QoS; each message goes at the lower of it and its own.</summary>
    public MqttQualityOfService QoS { get; } = qos;

    /// <summary>MQTT 5.0 subscription identifiers of the subscription; shared, never changed.</summary>
    public List<uint>? SubscriptionIds { get; } = subscriptionIds;

    /// <summary>Index in <see cref="Messages"/> of the next message to take (under the session's lock).</summary>
    public int Next { get; set; }

    /// <summary>
    /// A new stream of a stored session, not started before its record is committed: its SUBACK (sent after the same
    /// commit) goes first, and a restart never finds messages sent for a stream it does not know.
    /// </summary>
    public bool AwaitingCommit { get; set; }

    /// <summary>Messages not taken yet.</summary>
    public int Remaining => Messages.Count - Next;

    /// <summary>
    /// A stream for a stored session: the messages in ordinal topic order, after <paramref name="after"/> when resumed,
    /// so that the topic of the last one taken is a cursor that survives a restart.
    /// </summary>
    public static RetainedStream Resumable(string filter, IReadOnlyList<MqttApplicationMessage> messages, MqttQualityOfService qos, List<uint>? subscriptionIds, string? after = null)
    {
        var ordered = messages.Where(m => after is null || string.CompareOrdinal(m.Topic, after) > 0).ToList();
        ordered.Sort(static (a, b) => string.CompareOrdinal(a.Topic, b.Topic));
        return new RetainedStream(filter, ordered, qos, subscriptionIds);
    }

    /// <summary>The stream as the session store keeps it.</summary>
    public Storage.MqttStoredRetainedStream ToStored() => new(Filter, QoS, SubscriptionIds, Next == 0 ? null : Messages[Next - 1].Topic);
}
