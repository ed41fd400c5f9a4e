using Gmqtt.Protocol;

namespace Gmqtt.Hooks;

/// <summary>One filter of a SUBSCRIBE being authorized.</summary>
public sealed class MqttSubscribeContext
{
    /// <summary>The subscribing client.</summary>
    public required MqttClientInfo Client { get; init; }

    /// <summary>The requested filter and options.</summary>
    public required MqttTopicFilter Filter { get; init; }

    /// <summary>The QoS to grant; starts as the requested maximum. Lower it to downgrade.</summary>
    public MqttQualityOfService GrantedQoS { get; set; }

    /// <summary>Set to a failure code (0x80 and above, e.g. <see cref="MqttReasonCode.NotAuthorized"/>) to refuse; MQTT 3.x sees 0x80.</summary>
    public MqttReasonCode? ReasonCode { get; set; }

    /// <summary>MQTT 5.0: a human-readable reason sent with a refusal (unless the client asked for no problem information).</summary>
    public string? ReasonString { get; set; }
}
