using System.Buffers;
using System.Text;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Protocol;

/// <summary>
/// A PUBLISH read without copying (<see cref="MqttPacketReader.ReadPublishView(byte, ReadOnlySequence{byte})"/>). <see cref="Topic"/> and
/// <see cref="Payload"/> borrow the reader's buffer: use or copy them before the buffer is advanced.
/// The topic has been validated (well-formed UTF-8, no U+0000, no wildcards).
/// </summary>
public readonly struct MqttPublishView
{
    internal MqttPublishView(
        ReadOnlySequence<byte> topic,
        ReadOnlySequence<byte> payload,
        MqttQualityOfService qos,
        bool retain,
        bool dup,
        ushort packetId,
        MqttProperties? properties)
    {
        Topic = topic;
        Payload = payload;
        QoS = qos;
        Retain = retain;
        Dup = dup;
        PacketId = packetId;
        Properties = properties;
    }

    /// <summary>The topic name as UTF-8 bytes; empty when an MQTT 5.0 Topic Alias stands for it.</summary>
    public ReadOnlySequence<byte> Topic { get; }

    /// <summary>The application payload.</summary>
    public ReadOnlySequence<byte> Payload { get; }

    /// <summary>The QoS level.</summary>
    public MqttQualityOfService QoS { get; }

    /// <summary>The RETAIN flag.</summary>
    public bool Retain { get; }

    /// <summary>The DUP flag.</summary>
    public bool Dup { get; }

    /// <summary>The packet identifier (0 for QoS 0).</summary>
    public ushort PacketId { get; }

    /// <summary>The MQTT 5.0 properties, or <see langword="null"/>.</summary>
    public MqttProperties? Properties { get; }

    /// <summary>Decodes the topic name into a string.</summary>
    public string GetTopic() => Topic.IsEmpty ? "" : Encoding.UTF8.GetString(Topic);

    /// <summary>Copies the view into a <see cref="PublishPacket"/> that owns its topic and payload.</summary>
    public PublishPacket ToPacket() => new()
    {
        Topic = GetTopic(),
        Payload = Payload.IsEmpty ? ReadOnlyMemory<byte>.Empty : Payload.ToArray(),
        QoS = QoS,
        Retain = Retain,
        Dup = Dup,
        PacketId = PacketId,
        Properties = Properties,
    };
}
