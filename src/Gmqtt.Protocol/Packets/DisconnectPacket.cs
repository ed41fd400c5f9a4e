namespace Gmqtt.Protocol.Packets;

/// <summary>DISCONNECT (section 3.14). MQTT 3.x has no content; MQTT 5.0 adds a reason code and properties.</summary>
public sealed class DisconnectPacket : MqttPacketWithProperties
{
    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.Disconnect;

    /// <summary>MQTT 5.0 reason code; <see cref="MqttReasonCode.Success"/> is a normal disconnection.</summary>
    public MqttReasonCode ReasonCode { get; set; }
}
