using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Storage;

/// <summary>
/// Turns an application message into bytes for a store and back. The body is the MQTT 5.0 PUBLISH packet the codec
/// already writes and reads (topic, payload, QoS, RETAIN and every property), so a store never re-implements it.
/// </summary>
public static class MqttMessageCodec
{
    // [format 1][sender length: u16, 0xFFFF for none][sender UTF-8][MQTT 5.0 PUBLISH packet]
    private const byte Format = 1;
    private const ushort NoSender = ushort.MaxValue;

    /// <summary>Encodes <paramref name="message"/>, with its sender's client identifier.</summary>
    public static byte[] Encode(MqttApplicationMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var publish = new PublishPacket
        {
            Topic = message.Topic,
            Payload = message.Payload,
            QoS = message.QoS,
            Retain = message.Retain,
            PacketId = message.QoS > MqttQualityOfService.AtMostOnce ? (ushort)1 : (ushort)0,
            Properties = message.Properties,
        };
        var sender = message.SenderClientId is null ? [] : Encoding.UTF8.GetBytes(message.SenderClientId);
        var output = new ArrayBufferWriter<byte>(3 + sender.Length + message.Payload.Length + message.Topic.Length + 16);
        var head = output.GetSpan(3);
        head[0] = Format;
        BinaryPrimitives.WriteUInt16BigEndian(head[1..], message.SenderClientId is null ? NoSender : (ushort)sender.Length);
        output.Advance(3);
        output.Write(sender);
        MqttPacketWriter.Write(publish, MqttProtocolVersion.V500, output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Decodes what <see cref="Encode"/> wrote; throws <see cref="InvalidDataException"/> on anything else.</summary>
    public static MqttApplicationMessage Decode(ReadOnlyMemory<byte> data)
    {
        var span = data.Span;
        if (span.Length < 3 || span[0] != Format)
        {
            throw new InvalidDataException("Not a stored MQTT message (unknown format).");
        }

        var senderLength = BinaryPrimitives.ReadUInt16BigEndian(span[1..]);
        var offset = 3 + (senderLength == NoSender ? 0 : senderLength);
        if (span.Length < offset)
        {
            throw new InvalidDataException("A stored MQTT message is truncated.");
        }

        var sender = senderLength == NoSender ? null : Encoding.UTF8.GetString(span.Slice(3, senderLength));
        var packet = new ReadOnlySequence<byte>(data[offset..]);
        if (!MqttPacketReader.TryReadFrame(packet, MqttPacketReader.MaxPacketSize, out var header, out var body))
        {
            throw new InvalidDataException("A stored MQTT message is truncated.");
        }

        var reader = new MqttPacketReader { ProtocolVersion = MqttProtocolVersion.V500 };
        if (reader.ReadPacket(header, body) is not PublishPacket publish)
        {
            throw new InvalidDataException("A stored MQTT message is not a PUBLISH packet.");
        }

        return new MqttApplicationMessage
        {
            Topic = publish.Topic,
            Payload = publish.Payload,
            QoS = publish.QoS,
            Retain = publish.Retain,
            Properties = publish.Properties,
            SenderClientId = sender,
        };
    }
}
