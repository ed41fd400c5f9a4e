namespace Gmqtt.Protocol.Packets;

/// <summary>The shape shared by PUBACK, PUBREC, PUBREL and PUBCOMP: a packet identifier and a reason code.</summary>
public abstract class MqttAckPacket : MqttPacketWithProperties
{
    /// <summary>The packet identifier being acknowledged.</summary>
    public ushort PacketId { get; set; }

    /// <summary>MQTT 5.0 reason code; always <see cref="MqttReasonCode.Success"/> for MQTT 3.x.</summary>
    public MqttReasonCode ReasonCode { get; set; }
}

/// <summary>PUBACK: acknowledges a QoS 1 PUBLISH (section 3.4).</summary>
public sealed class PubAckPacket : MqttAckPacket
{
    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.PubAck;
}

/// <summary>PUBREC: first answer to a QoS 2 PUBLISH (section 3.5).</summary>
public sealed class PubRecPacket : MqttAckPacket
{
    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.PubRec;
}

/// <summary>PUBREL: releases a QoS 2 message (section 3.6).</summary>
public sealed class PubRelPacket : MqttAckPacket
{
    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.PubRel;
}

/// <summary>PUBCOMP: completes a QoS 2 exchange (section 3.7).</summary>
public sealed class PubCompPacket : MqttAckPacket
{
    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.PubComp;
}
