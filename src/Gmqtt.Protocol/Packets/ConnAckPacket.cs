namespace Gmqtt.Protocol.Packets;

/// <summary>CONNACK: the server's answer to CONNECT (section 3.2).</summary>
public sealed class ConnAckPacket : MqttPacketWithProperties
{
    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.ConnAck;

    /// <summary>Whether the server resumed an existing session.</summary>
    public bool SessionPresent { get; set; }

    /// <summary>
    /// The result. For MQTT 3.x the writer maps it to a return code (<see cref="MqttReasonCodes.ToConnectReturnCode"/>)
    /// and the reader maps the return code back.
    /// </summary>
    public MqttReasonCode ReasonCode { get; set; }
}
