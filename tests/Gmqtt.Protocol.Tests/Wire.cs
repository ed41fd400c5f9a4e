using System.Buffers;
using System.Text;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Protocol.Tests;

/// <summary>
/// Builds raw MQTT bytes by hand, so that tests can express packets the writer refuses to produce. The
/// builders' defaults are valid packets (proved by <c>NormativeRuleTests.Builder_defaults_are_valid_packets</c>),
/// so a test that changes one argument tests exactly one rule.
/// </summary>
internal static class Wire
{
    public const MqttProtocolVersion V3 = MqttProtocolVersion.V310;
    public const MqttProtocolVersion V4 = MqttProtocolVersion.V311;
    public const MqttProtocolVersion V5 = MqttProtocolVersion.V500;

    public static byte[] B(params byte[] bytes) => bytes;

    public static byte[] Cat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    public static byte[] U16(int value) => [(byte)(value >> 8), (byte)value];

    public static byte[] U32(uint value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];

    public static byte[] Vbi(uint value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value % 128);
            value /= 128;
            bytes.Add(value > 0 ? (byte)(b | 0x80) : b);
        }
        while (value > 0);
        return bytes.ToArray();
    }

    /// <summary>A length-prefixed UTF-8 string.</summary>
    public static byte[] Str(string value) => RawStr(Encoding.UTF8.GetBytes(value));

    /// <summary>A length-prefixed string made of exactly these bytes (possibly not UTF-8).</summary>
    public static byte[] RawStr(params byte[] utf8) => Cat(U16(utf8.Length), utf8);

    /// <summary>A property list: its Variable Byte Integer length, then the properties.</summary>
    public static byte[] Props(params byte[][] properties)
    {
        var content = Cat(properties);
        return Cat(Vbi((uint)content.Length), content);
    }

    public static byte[] Prop(MqttPropertyId id, params byte[][] value) => Cat([(byte)id], Cat(value));

    /// <summary>A whole packet: the header byte, the Remaining Length, then the body parts.</summary>
    public static byte[] Packet(byte header, params byte[][] body)
    {
        var content = Cat(body);
        return Cat([header], Vbi((uint)content.Length), content);
    }

    /// <summary>A CONNECT; flags default to Clean Start only, fields are present when not null.</summary>
    public static byte[] Connect(
        MqttProtocolVersion version = V5,
        byte flags = 0x02,
        byte[]? properties = null,
        byte[]? clientId = null,
        byte[]? willProperties = null,
        byte[]? willTopic = null,
        byte[]? willPayload = null,
        byte[]? userName = null,
        byte[]? password = null,
        string? protocolName = null,
        byte? level = null,
        byte[]? trailing = null)
    {
        var v5 = version == V5;
        var parts = new List<byte[]>
        {
            Str(protocolName ?? (version == V3 ? "MQIsdp" : "MQTT")),
            B(level ?? (byte)version),
            B(flags),
            U16(60),
        };
        if (v5)
        {
            parts.Add(properties ?? Props());
        }

        parts.Add(clientId ?? Str("client"));
        if (willTopic is not null)
        {
            if (v5)
            {
                parts.Add(willProperties ?? Props());
            }

            parts.Add(willTopic);
            parts.Add(willPayload ?? RawStr(1, 2));
        }

        if (userName is not null)
        {
            parts.Add(userName);
        }

        if (password is not null)
        {
            parts.Add(password);
        }

        if (trailing is not null)
        {
            parts.Add(trailing);
        }

        return Packet(0x10, parts.ToArray());
    }

    /// <summary>A PUBLISH; <paramref name="flags"/> is the low nibble (DUP, QoS, RETAIN).</summary>
    public static byte[] Publish(
        MqttProtocolVersion version = V5,
        int flags = 0x02,
        byte[]? topic = null,
        int packetId = 1,
        byte[]? properties = null,
        byte[]? payload = null)
    {
        var parts = new List<byte[]> { topic ?? Str("a/b") };
        if (((flags >> 1) & 3) != 0)
        {
            parts.Add(U16(packetId));
        }

        if (version == V5)
        {
            parts.Add(properties ?? Props());
        }

        parts.Add(payload ?? B(0xAA, 0xBB));
        return Packet((byte)(0x30 | flags), parts.ToArray());
    }

    /// <summary>A SUBSCRIBE with one filter unless <paramref name="entries"/> says otherwise.</summary>
    public static byte[] Subscribe(
        MqttProtocolVersion version = V5,
        int packetId = 1,
        byte[]? properties = null,
        params (byte[] Filter, byte Options)[] entries)
    {
        if (entries.Length == 0)
        {
            entries = [(Str("a/+"), 0x01)];
        }

        return SubscribeRaw(version, packetId, properties, entries);
    }

    /// <summary>A SUBSCRIBE with exactly <paramref name="entries"/> (possibly none).</summary>
    public static byte[] SubscribeRaw(MqttProtocolVersion version, int packetId, byte[]? properties, (byte[] Filter, byte Options)[] entries)
    {
        var parts = new List<byte[]> { U16(packetId) };
        if (version == V5)
        {
            parts.Add(properties ?? Props());
        }

        foreach (var (filter, options) in entries)
        {
            parts.Add(filter);
            parts.Add([options]);
        }

        return Packet(0x82, parts.ToArray());
    }

    /// <summary>An UNSUBSCRIBE with exactly <paramref name="filters"/> (possibly none).</summary>
    public static byte[] Unsubscribe(MqttProtocolVersion version, int packetId, byte[]? properties, params byte[][] filters)
    {
        var parts = new List<byte[]> { U16(packetId) };
        if (version == V5)
        {
            parts.Add(properties ?? Props());
        }

        parts.AddRange(filters);
        return Packet(0xA2, parts.ToArray());
    }

    /// <summary>Reads <paramref name="bytes"/> as one packet with a fresh reader.</summary>
    public static MqttPacket Read(byte[] bytes, MqttProtocolVersion version, int maximumPacketSize = MqttPacketReader.MaxPacketSize)
    {
        var reader = new MqttPacketReader(maximumPacketSize) { ProtocolVersion = version };
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.True(reader.TryRead(ref buffer, out var packet), "The reader asked for more bytes.");
        Assert.True(buffer.IsEmpty, "The reader left bytes behind.");
        return packet;
    }

    /// <summary>
    /// Asserts that reading <paramref name="bytes"/> throws <see cref="MqttProtocolException"/> with
    /// <paramref name="expected"/>, both from one segment and from one segment per byte.
    /// </summary>
    public static MqttProtocolException AssertViolation(byte[] bytes, MqttProtocolVersion version, MqttReasonCode expected)
    {
        MqttProtocolException? first = null;
        foreach (var buffer in new[] { new ReadOnlySequence<byte>(bytes), PacketTestHelpers.OneBytePerSegment(bytes) })
        {
            var reader = new MqttPacketReader { ProtocolVersion = version };
            var copy = buffer;
            var e = Assert.Throws<MqttProtocolException>(() => reader.TryRead(ref copy, out _));
            Assert.True(
                expected == e.ReasonCode,
                $"Expected {expected} (0x{(byte)expected:X2}) but got {e.ReasonCode} (0x{(byte)e.ReasonCode:X2}): {e.Message}");
            first ??= e;
        }

        return first!;
    }
}
