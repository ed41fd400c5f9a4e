using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Gmqtt.Protocol.Internal;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Protocol;

/// <summary>
/// Reads MQTT control packets from a byte sequence, typically a <c>PipeReader</c>'s buffer. Reading is pure
/// and synchronous: each call yields a packet, "need more bytes", or throws <see cref="MqttProtocolException"/>
/// with the MQTT 5.0 reason code of the violation.
/// </summary>
/// <remarks>
/// <code>
///  fixed header                         variable header + payload
/// +-----------+------------------------+-----------------------------------------+
/// | type|flags| Remaining Length (1-4) | Remaining Length bytes                  |
/// +-----------+------------------------+-----------------------------------------+
/// </code>
/// The Remaining Length is checked against <see cref="MaximumPacketSize"/> as soon as the fixed header is
/// complete, before a byte of the body is buffered, so a peer cannot make the reader wait for (or allocate)
/// more than the limit. One instance serves one connection: it remembers the protocol version that CONNECT set.
/// </remarks>
public sealed partial class MqttPacketReader
{
    /// <summary>The largest Remaining Length a four-byte Variable Byte Integer can carry.</summary>
    public const int MaxRemainingLength = 268_435_455;

    /// <summary>The largest packet the protocol can express: one type byte, four length bytes and the body.</summary>
    public const int MaxPacketSize = MaxRemainingLength + 5;

    /// <summary>Creates a reader.</summary>
    /// <param name="maximumPacketSize">The largest whole packet accepted, in bytes (header included).</param>
    public MqttPacketReader(int maximumPacketSize = MaxPacketSize)
    {
        MaximumPacketSize = maximumPacketSize;
    }

    /// <summary>The largest whole packet accepted; larger ones throw with <see cref="MqttReasonCode.PacketTooLarge"/>.</summary>
    public int MaximumPacketSize
    {
        get;
        set => field = value is >= 2 and <= MaxPacketSize
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"Must be between 2 and {MaxPacketSize}.");
    }

    /// <summary>
    /// The protocol version the packets after CONNECT are read with. Reading a CONNECT sets it (as soon as the
    /// protocol level is known, so a later error in the same CONNECT can be answered in the client's version).
    /// </summary>
    public MqttProtocolVersion ProtocolVersion { get; set; } = MqttProtocolVersion.V311;

    /// <summary>
    /// Reads one packet from the start of <paramref name="buffer"/>. On success the buffer is sliced past the
    /// packet; otherwise it is left alone and the caller should wait for more bytes, examining everything
    /// (<c>reader.AdvanceTo(buffer.Start, buffer.End)</c>).
    /// </summary>
    /// <exception cref="MqttProtocolException">The bytes violate the protocol.</exception>
    public bool TryRead(ref ReadOnlySequence<byte> buffer, [NotNullWhen(true)] out MqttPacket? packet)
    {
        if (!TryReadFrame(buffer, MaximumPacketSize, out var header, out var body))
        {
            packet = null;
            return false;
        }

        packet = ReadPacket(header, body);
        buffer = buffer.Slice(body.End);
        return true;
    }

    /// <summary>
    /// Splits one packet off the start of <paramref name="buffer"/> without parsing its body.
    /// </summary>
    /// <param name="buffer">The bytes received so far.</param>
    /// <param name="maximumPacketSize">The largest whole packet accepted.</param>
    /// <param name="header">The first byte of the fixed header (type and flags).</param>
    /// <param name="body">The variable header and payload, a slice of <paramref name="buffer"/>.</param>
    /// <returns><see langword="false"/> when more bytes are needed.</returns>
    /// <exception cref="MqttProtocolException">The Remaining Length is malformed or the packet is too large.</exception>
    public static bool TryReadFrame(in ReadOnlySequence<byte> buffer, int maximumPacketSize, out byte header, out ReadOnlySequence<byte> body)
    {
        body = default;
        header = 0;
        Span<byte> prefix = stackalloc byte[5];
        var available = (int)Math.Min(buffer.Length, 5);
        if (available < 2)
        {
            return false;
        }

        // The prefix may straddle segments (one byte in each); copying five bytes is cheaper than a reader.
        buffer.Slice(0, available).CopyTo(prefix);
        header = prefix[0];

        uint remainingLength = 0;
        var headerLength = 0;
        for (var i = 1; ; i++)
        {
            if (i > 4)
            {
                // "The maximum number of bytes in the Variable Byte Integer field is four" (section 1.5.5).
                throw new MqttProtocolException(MqttReasonCode.MalformedPacket, "The Remaining Length is longer than four bytes.");
            }

            if (i >= available)
            {
                return false;
            }

            var b = prefix[i];
            remainingLength |= (uint)(b & 0x7F) << (7 * (i - 1));
            if ((b & 0x80) == 0)
            {
                if (b == 0 && i > 1)
                {
                    // A last byte of 0 after a continuation byte adds nothing: the value fits in fewer bytes [MQTT-1.5.5-1].
                    throw new MqttProtocolException(MqttReasonCode.MalformedPacket, "The Remaining Length does not use the fewest bytes.");
                }

                headerLength = i + 1;
                break;
            }
        }

        // Checked from the fixed header alone: nothing of the body is waited for or allocated when too large.
        var packetSize = headerLength + (long)remainingLength;
        if (packetSize > maximumPacketSize)
        {
            throw new MqttProtocolException(
                MqttReasonCode.PacketTooLarge,
                $"The packet is {packetSize} bytes; the maximum is {maximumPacketSize}.")
            {
                PacketType = (MqttPacketType)(header >> 4),
            };
        }

        if (buffer.Length < packetSize)
        {
            return false;
        }

        body = buffer.Slice(headerLength, remainingLength);
        return true;
    }

    /// <summary>Parses the body of one packet whose fixed header byte is <paramref name="header"/>.</summary>
    /// <exception cref="MqttProtocolException">The packet is malformed or a protocol error.</exception>
    public MqttPacket ReadPacket(byte header, ReadOnlySequence<byte> body)
    {
        var type = (MqttPacketType)(header >> 4);
        var flags = header & 0x0F;
        try
        {
            CheckFixedHeaderFlags(type, flags);
            var reader = new MqttBodyReader(body);
            return type switch
            {
                MqttPacketType.Connect => ReadConnect(ref reader),
                MqttPacketType.ConnAck => ReadConnAck(ref reader),
                MqttPacketType.Publish => ReadPublishView(ref reader, flags).ToPacket(),
                MqttPacketType.PubAck => ReadAck(ref reader, new PubAckPacket()),
                MqttPacketType.PubRec => ReadAck(ref reader, new PubRecPacket()),
                MqttPacketType.PubRel => ReadAck(ref reader, new PubRelPacket()),
                MqttPacketType.PubComp => ReadAck(ref reader, new PubCompPacket()),
                MqttPacketType.Subscribe => ReadSubscribe(ref reader),
                MqttPacketType.SubAck => ReadSubAck(ref reader),
                MqttPacketType.Unsubscribe => ReadUnsubscribe(ref reader),
                MqttPacketType.UnsubAck => ReadUnsubAck(ref reader),
                MqttPacketType.PingReq => ReadEmpty(ref reader, PingReqPacket.Instance),
                MqttPacketType.PingResp => ReadEmpty(ref reader, PingRespPacket.Instance),
                MqttPacketType.Disconnect => ReadDisconnect(ref reader),
                MqttPacketType.Auth => ReadAuth(ref reader),
                _ => throw MqttProtocolException.Malformed("Packet type 0 is reserved."),
            };
        }
        catch (MqttProtocolException e) when (e.PacketType is null)
        {
            throw new MqttProtocolException(e.ReasonCode, $"{type}: {e.Message}") { PacketType = type };
        }
    }

    /// <summary>
    /// Parses a PUBLISH without copying: the topic and payload of the returned view are slices of
    /// <paramref name="body"/>, valid only until the buffer they come from is released. Nothing is allocated
    /// unless the packet carries MQTT 5.0 properties.
    /// </summary>
    /// <exception cref="MqttProtocolException">The packet is malformed or a protocol error.</exception>
    public MqttPublishView ReadPublishView(byte header, ReadOnlySequence<byte> body)
    {
        if (header >> 4 != (byte)MqttPacketType.Publish)
        {
            throw new ArgumentException("The header is not a PUBLISH header.", nameof(header));
        }

        try
        {
            var reader = new MqttBodyReader(body);
            return ReadPublishView(ref reader, header & 0x0F);
        }
        catch (MqttProtocolException e) when (e.PacketType is null)
        {
            throw new MqttProtocolException(e.ReasonCode, $"Publish: {e.Message}") { PacketType = MqttPacketType.Publish };
        }
    }

    /// <summary>
    /// Reserved flag bits must have the listed values: 0010 for PUBREL, SUBSCRIBE and UNSUBSCRIBE, 0000 for the
    /// others except PUBLISH [MQTT-2.1.3-1] (3.1.1: [MQTT-2.2.2-1]); invalid flags are a Malformed Packet
    /// (3.1.1: the connection is closed, [MQTT-2.2.2-2]).
    /// </summary>
    private void CheckFixedHeaderFlags(MqttPacketType type, int flags)
    {
        var expected = type switch
        {
            MqttPacketType.Publish => flags,
            MqttPacketType.PubRel or MqttPacketType.Subscribe or MqttPacketType.Unsubscribe => 0b0010,
            _ => 0,
        };
        if (flags != expected)
        {
            throw MqttProtocolException.Malformed($"Reserved fixed header flags are 0x{flags:X1}, expected 0x{expected:X1}.");
        }

        if (type == MqttPacketType.Auth && ProtocolVersion != MqttProtocolVersion.V500)
        {
            // Packet type 15 is "Reserved, forbidden" in MQTT 3.1.1 (section 2.2.1).
            throw MqttProtocolException.Malformed("AUTH exists only in MQTT 5.0.");
        }
    }

    private bool IsV5 => ProtocolVersion == MqttProtocolVersion.V500;

    /// <summary>
    /// Non-zero packet identifier for SUBSCRIBE, UNSUBSCRIBE and QoS &gt; 0 PUBLISH [MQTT-2.2.1-3]
    /// (3.1.1: [MQTT-2.3.1-1]); acknowledgments echo one, so 0 there refers to nothing either.
    /// </summary>
    private static ushort ReadPacketId(ref MqttBodyReader reader)
    {
        var id = reader.ReadUInt16();
        return id != 0 ? id : throw MqttProtocolException.Protocol("Packet identifier 0 is not allowed.");
    }

    private static MqttPacket ReadEmpty(ref MqttBodyReader reader, MqttPacket packet)
    {
        reader.ExpectEnd(packet.Type.ToString());
        return packet;
    }

    private MqttReasonCode ReadReasonCode(ref MqttBodyReader reader, MqttPacketType type)
    {
        var code = (MqttReasonCode)reader.ReadByte();
        if (!MqttReasonCodes.IsAllowed(type, code))
        {
            // Each packet lists the reason codes it may carry, e.g. [MQTT-3.14.2-1] for DISCONNECT.
            throw MqttProtocolException.Protocol($"Reason code 0x{(byte)code:X2} is not valid in {type}.");
        }

        return code;
    }
}
