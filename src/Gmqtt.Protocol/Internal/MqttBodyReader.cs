using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Gmqtt.Protocol.Internal;

/// <summary>
/// Reads MQTT data types from a packet body whose length is already known and bounded by the maximum packet
/// size. Every length read from the wire is checked against the bytes that remain before anything is
/// allocated; running out of bytes is a Malformed Packet.
/// </summary>
internal ref struct MqttBodyReader
{
    private SequenceReader<byte> _reader;

    public MqttBodyReader(ReadOnlySequence<byte> body) => _reader = new SequenceReader<byte>(body);

    public readonly long Remaining => _reader.Remaining;

    public readonly bool End => _reader.End;

    public byte ReadByte()
    {
        if (!_reader.TryRead(out var value))
        {
            throw MqttProtocolException.Malformed("The packet ended inside a byte field.");
        }

        return value;
    }

    public ushort ReadUInt16()
    {
        if (!_reader.TryReadBigEndian(out short value))
        {
            throw MqttProtocolException.Malformed("The packet ended inside a two byte integer.");
        }

        return (ushort)value;
    }

    public uint ReadUInt32()
    {
        if (!_reader.TryReadBigEndian(out int value))
        {
            throw MqttProtocolException.Malformed("The packet ended inside a four byte integer.");
        }

        return (uint)value;
    }

    /// <summary>Variable Byte Integer: at most four bytes, 268,435,455 at most (section 1.5.5).</summary>
    public uint ReadVariableByteInteger()
    {
        uint value = 0;
        for (var i = 0; i < 4; i++)
        {
            var b = ReadByte();
            value |= (uint)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                // The encoded value must use the fewest bytes: a final 0 after a continuation byte does not [MQTT-1.5.5-1].
                return b != 0 || i == 0 ? value : throw MqttProtocolException.Malformed("A variable byte integer does not use the fewest bytes.");
            }
        }

        throw MqttProtocolException.Malformed("A variable byte integer is longer than four bytes.");
    }

    /// <summary>Reads a length-prefixed UTF-8 string and checks it is well formed.</summary>
    public string ReadString()
    {
        var length = ReadUInt16();
        if (length == 0)
        {
            return "";
        }

        var bytes = ReadExact(length);
        if (bytes.IsSingleSegment)
        {
            return DecodeUtf8(bytes.FirstSpan);
        }

        // The rare case: a string that straddles buffer segments. Its length is at most 65,535 and was
        // checked against the bytes present, so the copy is bounded by what the peer actually sent.
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            bytes.CopyTo(rented);
            return DecodeUtf8(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Reads a length-prefixed UTF-8 string, checks it is well formed and returns its bytes without decoding
    /// them; <paramref name="hasWildcard"/> tells whether it contains '+' or '#'.
    /// </summary>
    public ReadOnlySequence<byte> ReadStringBytes(out bool hasWildcard)
    {
        var length = ReadUInt16();
        var bytes = ReadExact(length);
        if (bytes.IsSingleSegment)
        {
            hasWildcard = Validate(bytes.FirstSpan);
            return bytes;
        }

        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            bytes.CopyTo(rented);
            hasWildcard = Validate(rented.AsSpan(0, length));
            return bytes;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        static bool Validate(ReadOnlySpan<byte> span)
        {
            CheckUtf8(span);
            return span.IndexOfAny((byte)'+', (byte)'#') >= 0;
        }
    }

    /// <summary>Reads two-byte-length-prefixed binary data into a new array.</summary>
    public byte[] ReadBinary()
    {
        var length = ReadUInt16();
        return length == 0 ? [] : ReadExact(length).ToArray();
    }

    /// <summary>Returns the next <paramref name="length"/> bytes without copying them.</summary>
    public ReadOnlySequence<byte> ReadExact(long length)
    {
        if (length > _reader.Remaining)
        {
            throw MqttProtocolException.Malformed($"A field declares {length} bytes but only {_reader.Remaining} remain in the packet.");
        }

        var slice = _reader.UnreadSequence.Slice(0, length);
        _reader.Advance(length);
        return slice;
    }

    /// <summary>Returns everything that is left without copying it.</summary>
    public ReadOnlySequence<byte> ReadRest()
    {
        var rest = _reader.UnreadSequence;
        _reader.AdvanceToEnd();
        return rest;
    }

    public readonly void ExpectEnd(string packet)
    {
        if (!_reader.End)
        {
            throw MqttProtocolException.Malformed($"{packet} has {_reader.Remaining} unexpected bytes at its end.");
        }
    }

    /// <summary>UTF-8 rules: well formed, no surrogates [MQTT-1.5.4-1] (3.1.1: [MQTT-1.5.3-1]); no U+0000 [MQTT-1.5.4-2] (3.1.1: [MQTT-1.5.3-2]).</summary>
    internal static string DecodeUtf8(ReadOnlySpan<byte> bytes)
    {
        CheckUtf8(bytes);
        return Encoding.UTF8.GetString(bytes);
    }

    private static void CheckUtf8(ReadOnlySpan<byte> bytes)
    {
        if (!Utf8.IsValid(bytes))
        {
            throw MqttProtocolException.Malformed("A string is not well-formed UTF-8.");
        }

        if (bytes.Contains((byte)0))
        {
            throw MqttProtocolException.Malformed("A string contains U+0000.");
        }
    }
}
