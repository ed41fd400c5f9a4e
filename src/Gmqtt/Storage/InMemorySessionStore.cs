using Gmqtt.Protocol;

namespace Gmqtt.Storage;

/// <summary>The default session store: sessions live only in the broker's memory, so there is nothing to persist.</summary>
public sealed class InMemorySessionStore : IMqttSessionStore
{
    /// <inheritdoc />
    public void SessionCreated(string clientId, MqttProtocolVersion version)
    {
    }

    /// <inheritdoc />
    public void SessionRemoved(string clientId)
    {
    }

    /// <inheritdoc />
    public void SubscriptionAdded(string clientId, MqttTopicFilter filter)
    {
    }

    /// <inheritdoc />
    public void SubscriptionRemoved(string clientId, string filter)
    {
    }

    /// <inheritdoc />
    public void MessageQueued(string clientId, MqttApplicationMessage message, MqttQualityOfService qos)
    {
    }

    /// <inheritdoc />
    public void MessageInflight(string clientId, ushort packetId)
    {
    }

    /// <inheritdoc />
    public void MessageAcknowledged(string clientId, ushort packetId)
    {
    }

    /// <inheritdoc />
    public void InboundQoS2Changed(string clientId, ushort packetId, bool pending)
    {
    }
}
