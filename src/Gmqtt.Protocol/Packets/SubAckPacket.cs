namespace Gmqtt.Protocol.Packets;

/// <summary>SUBACK: one reason code per requested filter, in order (section 3.9).</summary>
public sealed class SubAckPacket : MqttPacketWithProperties
{
    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.SubAck;

    /// <summary>The packet identifier of the SUBSCRIBE.</summary>
    public ushort PacketId { get; set; }

    /// <summary>Granted QoS (0x00–0x02) or a failure code; MQTT 3.x encodes every failure as 0x80.</summary>
    public List<MqttReasonCode> ReasonCodes { get; set; } = [];
}
