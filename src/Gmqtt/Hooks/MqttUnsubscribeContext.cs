using Gmqtt.Protocol;

namespace Gmqtt.Hooks;

/// <summary>One filter of an UNSUBSCRIBE.</summary>
public sealed class MqttUnsubscribeContext
{
    /// <summary>The client.</summary>
    public required MqttClientInfo Client { get; init; }

    /// <summary>The filter to remove.</summary>
    public required string Filter { get; init; }

    /// <summary>Set to a failure code to keep the subscription (MQTT 5.0 clients see it in UNSUBACK).</summary>
    public MqttReasonCode? ReasonCode { get; set; }

    /// <summary>MQTT 5.0: a human-readable reason sent with a refusal (unless the client asked for no problem information).</summary>
    public string? ReasonString { get; set; }
}
