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
        var output = new ArrayBufferWriter<byte>(64 + (message?.Payload.Length ?? 0));
        Write(message!, output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Writes <paramref name="message"/> into <paramref name="output"/>, as <see cref="Encode"/> does; returns the bytes written.</summary>
    public static int Write(MqttApplicationMessage message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(output);
        var senderLength = message.SenderClientId is null ? 0 : Encoding.UTF8.GetByteCount(message.SenderClientId);
        if (senderLength >= NoSender)
        {
            throw new ArgumentException("The sender's client identifier is too long to store.", nameof(message));
        }

        var head = output.GetSpan(3 + senderLength);
        head[0] = Format;
        BinaryPrimitives.WriteUInt16BigEndian(head[1..], message.SenderClientId is null ? NoSender : (ushort)senderLength);
        if (message.SenderClientId is not null)
        {
            Encoding.UTF8.GetBytes(message.SenderClientId, head[3..]);
        }

        output.Advance(3 + senderLength);
        var publish = new PublishPacket
        {
            Topic = message.Topic,
            Payload = message.Payload,
            QoS = message.QoS,
            Retain = message.Retain,
            PacketId = message.QoS > MqttQualityOfService.AtMostOnce ? (ushort)1 : (ushort)0,
            Properties = message.Properties,
        };
        return 3 + senderLength + MqttPacketWriter.Write(publish, MqttProtocolVersion.V500, output);
    }

    /// <summary>Decodes what <see cref="Encode"/> wrote; throws <see cref="InvalidDataException"/> on anything else.</summary>
    public static MqttApplicationMessage Decode(ReadOnlyMemory<byte> data) => Read(data, out _);

    /// <summary>Decodes the message at the start of <paramref name="data"/>; <paramref name="consumed"/> is its length.</summary>
    public static MqttApplicationMessage Read(ReadOnlyMemory<byte> data, out int consumed)
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

        consumed = offset + (int)packet.Slice(0, body.End).Length;
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
