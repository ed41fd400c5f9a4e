namespace Gmqtt.Protocol.Packets;

/// <summary>AUTH: enhanced authentication exchange, MQTT 5.0 only (section 3.15).</summary>
public sealed class AuthPacket : MqttPacketWithProperties
{
    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.Auth;

    /// <summary>0x00 success, 0x18 continue authentication, 0x19 re-authenticate.</summary>
    public MqttReasonCode ReasonCode { get; set; }
}
