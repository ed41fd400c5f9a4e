namespace Gmqtt.Storage;

/// <summary>
/// Where retained messages live: the last message per topic. The broker calls it after the publish hooks ran;
/// an implementation may be in memory (the default), durable or shared between nodes.
/// </summary>
public interface IMqttRetainedMessageStore
{
    /// <summary>Number of retained messages.</summary>
    int Count { get; }

    /// <summary>
    /// Stores <paramref name="message"/> as the retained message of its topic, replacing any other. A message with a
    /// Message Expiry Interval and no <see cref="MqttApplicationMessage.ExpiresAt"/> (one not published through the
    /// broker) is given one counted from now; a durable store keeps it, so that expiry survives a restart.
    /// </summary>
    void Set(MqttApplicationMessage message);

    /// <summary>Removes the retained message of <paramref name="topic"/>; returns false when there was none.</summary>
    bool Remove(string topic);

    /// <summary>The retained message of <paramref name="topic"/>, or <see langword="null"/>.</summary>
    MqttApplicationMessage? Get(string topic);

    /// <summary>
    /// Every retained message whose topic matches <paramref name="filter"/>. The broker keeps the list while it
    /// sends it to a new subscriber, which may take a while: return a snapshot, not a view that changes.
    /// </summary>
    IReadOnlyList<MqttApplicationMessage> Match(string filter);
}
