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
    uint? SubscriptionIdentifier);
