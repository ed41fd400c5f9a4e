using System.Buffers.Binary;
using System.Text;

namespace Gmqtt.Protocol.Internal;

/// <summary>Writes MQTT data types into a span that the caller sized exactly.</summary>
internal ref struct MqttSpanWriter(Span<byte> span)
{
    private readonly Span<byte> _span = span;
    private int _position;

    public readonly int Position => _position;

    public void WriteByte(byte value) => _span[_position++] = value;

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_span[_position..], value);
        _position += 2;
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_span[_position..], value);
        _position += 4;
    }

    public void WriteVariableByteInteger(uint value)
    {
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            _span[_position++] = value > 0 ? (byte)(b | 0x80) : b;
        }
        while (value > 0);
    }

    public void WriteString(string value)
    {
        var length = Encoding.UTF8.GetBytes(value, _span[(_position + 2)..]);
        WriteUInt16((ushort)length);
        _position += length;
    }

    public void WriteBinary(ReadOnlySpan<byte> value)
    {
        WriteUInt16((ushort)value.Length);
        WriteBytes(value);
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_span[_position..]);
        _position += value.Length;
    }

    public static int VariableByteIntegerSize(uint value) => value switch
    {
        < 128 => 1,
        < 16_384 => 2,
        < 2_097_152 => 3,
        _ => 4,
    };

    /// <summary>Size of a length-prefixed UTF-8 string; throws when it exceeds 65,535 bytes (section 1.5.4).</summary>
    public static int StringSize(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        if (length > ushort.MaxValue)
        {
            throw new ArgumentException($"A string of {length} UTF-8 bytes exceeds the 65,535 bytes MQTT allows.", nameof(value));
        }

        return 2 + length;
    }

    public static int BinarySize(int length)
    {
        if (length > ushort.MaxValue)
        {
            throw new ArgumentException($"Binary data of {length} bytes exceeds the 65,535 bytes MQTT allows.", nameof(length));
        }

        return 2 + length;
    }
}
