using System.Buffers;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Protocol.Tests;

/// <summary>Encodes and decodes packets, and cuts byte arrays into multi-segment sequences.</summary>
internal static class PacketTestHelpers
{
    public static byte[] Encode(MqttPacket packet, MqttProtocolVersion version)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var written = MqttPacketWriter.Write(packet, version, buffer);
        Assert.Equal(written, buffer.WrittenCount);
        Assert.Equal(written, MqttPacketWriter.GetSize(packet, version));
        return buffer.WrittenSpan.ToArray();
    }

    public static MqttPacket Decode(byte[] bytes, MqttProtocolVersion version)
    {
        var reader = new MqttPacketReader { ProtocolVersion = version };
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.True(reader.TryRead(ref buffer, out var packet));
        Assert.True(buffer.IsEmpty, "The reader left bytes behind.");
        return packet;
    }

    /// <summary>Builds a sequence whose segments end at each of <paramref name="cuts"/>.</summary>
    public static ReadOnlySequence<byte> Segmented(byte[] bytes, params int[] cuts)
    {
        var points = cuts.Where(c => c > 0 && c < bytes.Length).Distinct().Order().Append(bytes.Length).ToArray();
        if (points.Length == 1)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        var first = new Segment(bytes.AsMemory(0, points[0]), 0);
        var last = first;
        for (var i = 1; i < points.Length; i++)
        {
            last = last.Append(bytes.AsMemory(points[i - 1], points[i] - points[i - 1]));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>
    /// Parses hand-written hex, one string per field (e.g. <c>"00 04 4D 51 54 54"</c>); spaces are ignored.
    /// </summary>
    public static byte[] Hex(params string[] fields) =>
        Convert.FromHexString(string.Concat(fields).Replace(" ", "", StringComparison.Ordinal));

    /// <summary>Formats bytes as spaced hex, so that a failed comparison shows where the bytes differ.</summary>
    public static string ToHex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).Chunk(2).Aggregate(
        new System.Text.StringBuilder(),
        (text, pair) => (text.Length == 0 ? text : text.Append(' ')).Append(pair)).ToString();

    /// <summary>
    /// Reads every whole packet at the start of <paramref name="buffer"/> and slices the buffer past them;
    /// stops at the first "need more bytes".
    /// </summary>
    public static List<MqttPacket> ReadAll(MqttPacketReader reader, ref ReadOnlySequence<byte> buffer)
    {
        var packets = new List<MqttPacket>();
        while (reader.TryRead(ref buffer, out var packet))
        {
            packets.Add(packet);
        }

        return packets;
    }

    /// <summary>Every byte its own segment.</summary>
    public static ReadOnlySequence<byte> OneBytePerSegment(byte[] bytes) =>
        Segmented(bytes, Enumerable.Range(1, Math.Max(0, bytes.Length - 1)).ToArray());

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
