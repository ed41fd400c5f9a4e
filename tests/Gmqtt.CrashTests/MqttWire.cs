using System.Buffers.Binary;
using System.Text;

namespace Gmqtt.CrashTests;

/// <summary>The protocol level a test client speaks (the CONNECT Protocol Level byte).</summary>
internal enum MqttVersion : byte
{
    V311 = 4,
    V500 = 5,
}

/// <summary>One MQTT control packet as read from the wire: the fixed header's first byte and the body after the Remaining Length.</summary>
internal readonly record struct MqttFrame(byte Header, byte[] Body)
{
    public int Type => Header >> 4;
}

/// <summary>A PUBLISH as a client receives it.</summary>
internal readonly record struct ReceivedPublish(string Topic, byte[] Payload, int QoS, bool Dup, bool Retain, ushort PacketId);

/// <summary>
/// The few packets the crash tests need, encoded and decoded here rather than with the broker's codec, so that a
/// codec bug cannot hide on both sides. MQTT 3.1.1 and 5.0; properties are skipped on read, and the only ones sent
/// are a CONNECT's Session Expiry Interval.
/// </summary>
internal static class MqttWire
{
    public const int Connect = 1, ConnAck = 2, Publish = 3, PubAck = 4, PubRec = 5, PubRel = 6, PubComp = 7,
        Subscribe = 8, SubAck = 9, Disconnect = 14;

    public static byte[] EncodeConnect(MqttVersion version, string clientId, bool cleanStart, uint sessionExpiry)
    {
        var body = new List<byte>();
        WriteString(body, "MQTT");
        body.Add((byte)version);
        body.Add(cleanStart ? (byte)0x02 : (byte)0x00); // Connect flags: Clean Session / Clean Start, no will, no credentials.
        WriteUInt16(body, 0); // Keep alive off: the tests bound every wait themselves.
        if (version == MqttVersion.V500)
        {
            var properties = new List<byte> { 0x11 }; // Session Expiry Interval.
            var expiry = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(expiry, sessionExpiry);
            properties.AddRange(expiry);
            WriteVarInt(body, properties.Count);
            body.AddRange(properties);
        }

        WriteString(body, clientId);
        return Frame(0x10, body);
    }

    public static byte[] EncodeSubscribe(MqttVersion version, ushort packetId, string filter, int qos)
    {
        var body = new List<byte>();
        WriteUInt16(body, packetId);
        if (version == MqttVersion.V500)
        {
            body.Add(0); // No properties.
        }

        WriteString(body, filter);
        body.Add((byte)qos); // Maximum QoS; MQTT 5.0 options (No Local, Retain As Published, Retain Handling) all 0.
        return Frame(0x82, body);
    }

    public static byte[] EncodePublish(MqttVersion version, string topic, ReadOnlySpan<byte> payload, int qos, bool retain, bool dup, ushort packetId)
    {
        var body = new List<byte>(topic.Length + payload.Length + 8);
        WriteString(body, topic);
        if (qos > 0)
        {
            WriteUInt16(body, packetId);
        }

        if (version == MqttVersion.V500)
        {
            body.Add(0); // No properties.
        }

        body.AddRange(payload);
        var header = (byte)(0x30 | (dup ? 0x08 : 0) | (qos << 1) | (retain ? 0x01 : 0));
        return Frame(header, body);
    }

    /// <summary>PUBACK, PUBREC, PUBREL or PUBCOMP with reason Success (a two-byte body means Success in 5.0 too).</summary>
    public static byte[] EncodeAck(int type, ushort packetId)
    {
        var body = new List<byte>(2);
        WriteUInt16(body, packetId);
        return Frame((byte)((type << 4) | (type == PubRel ? 0x02 : 0)), body);
    }

    /// <summary>DISCONNECT: normal disconnection (an empty body is reason 0x00 in 5.0).</summary>
    public static byte[] EncodeDisconnect() => [0xE0, 0x00];

    /// <summary>CONNACK: Session Present and the return / reason code.</summary>
    public static (bool SessionPresent, byte Code) DecodeConnAck(MqttFrame frame)
    {
        Expect(frame, ConnAck);
        return ((frame.Body[0] & 0x01) != 0, frame.Body[1]);
    }

    /// <summary>SUBACK: the packet identifier and the per-filter codes.</summary>
    public static (ushort PacketId, byte[] Codes) DecodeSubAck(MqttFrame frame, MqttVersion version)
    {
        Expect(frame, SubAck);
        var offset = 2;
        if (version == MqttVersion.V500)
        {
            offset = SkipProperties(frame.Body, offset);
        }

        return (BinaryPrimitives.ReadUInt16BigEndian(frame.Body), frame.Body[offset..]);
    }

    /// <summary>PUBACK, PUBREC, PUBREL or PUBCOMP: the packet identifier and the reason code (0 when absent).</summary>
    public static (ushort PacketId, byte Reason) DecodeAck(MqttFrame frame) =>
        (BinaryPrimitives.ReadUInt16BigEndian(frame.Body), frame.Body.Length > 2 ? frame.Body[2] : (byte)0);

    public static ReceivedPublish DecodePublish(MqttFrame frame, MqttVersion version)
    {
        Expect(frame, Publish);
        var body = frame.Body;
        var qos = (frame.Header >> 1) & 0x03;
        var topicLength = BinaryPrimitives.ReadUInt16BigEndian(body);
        var topic = Encoding.UTF8.GetString(body, 2, topicLength);
        var offset = 2 + topicLength;
        ushort packetId = 0;
        if (qos > 0)
        {
            packetId = BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(offset));
            offset += 2;
        }

        if (version == MqttVersion.V500)
        {
            offset = SkipProperties(body, offset);
        }

        return new ReceivedPublish(topic, body[offset..], qos, (frame.Header & 0x08) != 0, (frame.Header & 0x01) != 0, packetId);
    }

    /// <summary>Reads one packet; null when the peer closed the connection cleanly between packets.</summary>
    public static async Task<MqttFrame?> ReadFrameAsync(Stream input, CancellationToken cancellationToken)
    {
        var one = new byte[1];
        if (await input.ReadAsync(one, cancellationToken) == 0)
        {
            return null;
        }

        var header = one[0];
        int length = 0, shift = 0;
        while (true)
        {
            await input.ReadExactlyAsync(one, cancellationToken);
            length |= (one[0] & 0x7F) << shift;
            if ((one[0] & 0x80) == 0)
            {
                break;
            }

            shift += 7;
            if (shift > 21)
            {
                throw new InvalidDataException("Malformed Remaining Length.");
            }
        }

        var body = new byte[length];
        await input.ReadExactlyAsync(body, cancellationToken);
        return new MqttFrame(header, body);
    }

    private static void Expect(MqttFrame frame, int type)
    {
        if (frame.Type != type)
        {
            throw new InvalidDataException($"Expected packet type {type}, got {frame.Type}.");
        }
    }

    private static int SkipProperties(byte[] body, int offset)
    {
        int length = 0, shift = 0;
        byte b;
        do
        {
            b = body[offset++];
            length |= (b & 0x7F) << shift;
            shift += 7;
        }
        while ((b & 0x80) != 0);

        return offset + length;
    }

    private static byte[] Frame(byte header, List<byte> body)
    {
        var packet = new List<byte>(body.Count + 5) { header };
        WriteVarInt(packet, body.Count);
        packet.AddRange(body);
        return [.. packet];
    }

    private static void WriteVarInt(List<byte> buffer, int value)
    {
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            buffer.Add(value > 0 ? (byte)(b | 0x80) : b);
        }
        while (value > 0);
    }

    private static void WriteUInt16(List<byte> buffer, ushort value)
    {
        buffer.Add((byte)(value >> 8));
        buffer.Add((byte)value);
    }

    private static void WriteString(List<byte> buffer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        WriteUInt16(buffer, (ushort)bytes.Length);
        buffer.AddRange(bytes);
    }
}
