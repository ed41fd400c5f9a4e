using Gmqtt.Protocol;

namespace Gmqtt.Storage;

/// <summary>A subscription as stored, with every option and its MQTT 5.0 subscription identifier.</summary>
public sealed record MqttStoredSubscription(
    string Filter,
    MqttQualityOfService QoS,
    bool NoLocal,
    bool RetainAsPublished,
    MqttRetainHandling RetainHandling,
    uint? SubscriptionIdentifier);
