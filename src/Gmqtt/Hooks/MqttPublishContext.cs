using Gmqtt.Protocol;

namespace Gmqtt.Hooks;

/// <summary>A message about to be routed.</summary>
public sealed class MqttPublishContext
{
    /// <summary>The publishing client, or <see langword="null"/> for the server-side API.</summary>
    public MqttClientInfo? Client { get; init; }

    /// <summary>The message; a hook may change its topic, payload, QoS or retain flag.</summary>
    public required MqttApplicationMessage Message { get; init; }

    /// <summary>
    /// Set to a failure code (e.g. <see cref="MqttReasonCode.NotAuthorized"/>) to drop the message. A QoS 1/2
    /// publisher is still acknowledged (MQTT 5.0 with this reason code), so it does not resend.
    /// </summary>
    public MqttReasonCode? ReasonCode { get; set; }

    /// <summary>MQTT 5.0: a human-readable reason sent with a refusal (unless the client asked for no problem information).</summary>
    public string? ReasonString { get; set; }
}
