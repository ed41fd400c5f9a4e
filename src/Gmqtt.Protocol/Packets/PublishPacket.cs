namespace Gmqtt.Protocol.Packets;

/// <summary>PUBLISH: an application message (section 3.3).</summary>
public sealed class PublishPacket : MqttPacketWithProperties
{
    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.Publish;

    /// <summary>The topic name; may be empty in MQTT 5.0 when a topic alias stands for it.</summary>
    public string Topic { get; set; } = "";

    /// <summary>The application payload.</summary>
    public ReadOnlyMemory<byte> Payload { get; set; }

    /// <summary>The QoS level.</summary>
    public MqttQualityOfService QoS { get; set; }

    /// <summary>The RETAIN flag.</summary>
    public bool Retain { get; set; }

    /// <summary>The DUP flag: a re-delivery of an earlier attempt.</summary>
    public bool Dup { get; set; }

    /// <summary>The packet identifier; present only for QoS 1 and 2.</summary>
    public ushort PacketId { get; set; }
}
