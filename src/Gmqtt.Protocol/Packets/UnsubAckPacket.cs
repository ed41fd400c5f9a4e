namespace Gmqtt.Protocol.Packets;

/// <summary>UNSUBACK (section 3.11). MQTT 3.x carries only the packet identifier.</summary>
public sealed class UnsubAckPacket : MqttPacketWithProperties
{
    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.UnsubAck;

    /// <summary>The packet identifier of the UNSUBSCRIBE.</summary>
    public ushort PacketId { get; set; }

    /// <summary>MQTT 5.0: one reason code per filter, in order. Not encoded for MQTT 3.x.</summary>
    public List<MqttReasonCode> ReasonCodes { get; set; } = [];
}
