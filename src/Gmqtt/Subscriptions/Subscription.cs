using Gmqtt.Broker;
using Gmqtt.Protocol;

namespace Gmqtt.Subscriptions;

/// <summary>One subscription of one session; immutable, replaced as a whole when the client re-subscribes.</summary>
internal sealed record Subscription(
    MqttSession Session,
    string Filter,
    MqttQualityOfService QoS,
    bool NoLocal,
    bool RetainAsPublished,
    MqttRetainHandling RetainHandling,
    uint? SubscriptionIdentifier)
{
    /// <summary>
    /// <see cref="SubscriptionIdentifier"/> as the list a delivery's properties carry [MQTT-3.3.4-3], made once here
    /// and shared by every delivery for this subscription, so routing allocates none. Never change it.
    /// </summary>
    public List<uint>? SubscriptionIds { get; } = SubscriptionIdentifier is { } id ? [id] : null;
}
