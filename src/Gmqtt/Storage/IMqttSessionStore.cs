using Gmqtt.Protocol;

namespace Gmqtt.Storage;

/// <summary>
/// Hears incremental session events so that a durable or shared store can persist them (as Mosquitto 2.1's
/// persistence events do) instead of taking snapshots. Live session state is held by the broker in memory;
/// the default implementation, <see cref="InMemorySessionStore"/>, therefore has nothing to write. Calls are
/// made from the connection's own loop and must not block: a durable store buffers and commits in groups.
/// </summary>
public interface IMqttSessionStore
{
    /// <summary>A session was created.</summary>
    void SessionCreated(string clientId, MqttProtocolVersion version);

    /// <summary>A session ended and its state was discarded.</summary>
    void SessionRemoved(string clientId);

    /// <summary>A subscription was added or replaced.</summary>
    void SubscriptionAdded(string clientId, MqttTopicFilter filter);

    /// <summary>A subscription was removed.</summary>
    void SubscriptionRemoved(string clientId, string filter);

    /// <summary>A QoS 1/2 message was queued for the session.</summary>
    void MessageQueued(string clientId, MqttApplicationMessage message, MqttQualityOfService qos);

    /// <summary>A QoS 1/2 message was sent with <paramref name="packetId"/> and awaits its acknowledgment.</summary>
    void MessageInflight(string clientId, ushort packetId);

    /// <summary>A QoS 1/2 exchange completed (PUBACK or PUBCOMP), or the message was dropped.</summary>
    void MessageAcknowledged(string clientId, ushort packetId);

    /// <summary>An inbound QoS 2 packet identifier was recorded (PUBREC sent) or released (PUBREL received).</summary>
    void InboundQoS2Changed(string clientId, ushort packetId, bool pending);
}
