using System.Buffers;
using Gmqtt.Protocol.Packets;
using static Gmqtt.Protocol.Tests.PacketTestHelpers;

namespace Gmqtt.Protocol.Tests;

/// <summary>
/// The Remaining Length is a Variable Byte Integer of one to four bytes (3.1.1 section 2.2.3, table 2.4; 5.0
/// section 1.5.5, table 1-1), encoded with the minimum number of bytes [MQTT-1.5.5-1]. Each size is hit at both
/// of its edges by a QoS 0 PUBLISH to topic "a" whose payload fills the rest.
/// </summary>
public class RemainingLengthTests
{
    /// <summary>The PUBLISH variable header: Topic Name "a" and nothing else at QoS 0 in MQTT 3.1.1.</summary>
    private static readonly byte[] VariableHeader = Hex("00 01 61");

    [Theory]
    [InlineData(3, "03")]                  // the smallest: an empty payload
    [InlineData(127, "7F")]                // largest one-byte value
    [InlineData(128, "80 01")]             // smallest two-byte value
    [InlineData(16_383, "FF 7F")]          // largest two-byte value
    [InlineData(16_384, "80 80 01")]       // smallest three-byte value
    [InlineData(2_097_151, "FF FF 7F")]    // largest three-byte value
    [InlineData(2_097_152, "80 80 80 01")] // smallest four-byte value
    public void Publish_remaining_length_is_encoded_with_the_minimum_number_of_bytes(int remainingLength, string encoded)
    {
        var (packet, expectedHeader) = Publish(remainingLength, encoded);

        var bytes = Encode(packet, MqttProtocolVersion.V311);

        Assert.Equal(expectedHeader.Length + remainingLength - VariableHeader.Length, bytes.Length);
        Assert.Equal(ToHex(expectedHeader), ToHex(bytes.AsSpan(0, expectedHeader.Length)));
        Assert.True(bytes.AsSpan(expectedHeader.Length).SequenceEqual(packet.Payload.Span), "The payload differs.");
    }

    [Theory]
    [InlineData(3, "03")]
    [InlineData(127, "7F")]
    [InlineData(128, "80 01")]
    [InlineData(16_383, "FF 7F")]
    [InlineData(16_384, "80 80 01")]
    [InlineData(2_097_151, "FF FF 7F")]
    [InlineData(2_097_152, "80 80 80 01")]
    public void Publish_remaining_length_is_decoded_at_every_size_boundary(int remainingLength, string encoded)
    {
        var (packet, header) = Publish(remainingLength, encoded);
        var bytes = header.Concat(packet.Payload.ToArray()).ToArray();

        // Whole, and cut inside the fixed header, inside the topic and inside the payload.
        var cuts = new List<int[]> { Array.Empty<int>(), Enumerable.Range(1, header.Length).ToArray(), new[] { bytes.Length / 2 } };
        foreach (var cut in cuts)
        {
            var buffer = Segmented(bytes, cut);
            var reader = new MqttPacketReader { ProtocolVersion = MqttProtocolVersion.V311 };
            Assert.True(reader.TryRead(ref buffer, out var read));
            Assert.True(buffer.IsEmpty);
            var publish = Assert.IsType<PublishPacket>(read);
            Assert.Equal("a", publish.Topic);
            Assert.True(publish.Payload.Span.SequenceEqual(packet.Payload.Span), "The payload differs.");
        }

        // One byte short anywhere up to the end: the reader waits for the rest.
        foreach (var length in Enumerable.Range(0, header.Length).Append(bytes.Length - 1))
        {
            var truncated = new ReadOnlySequence<byte>(bytes, 0, length);
            Assert.False(new MqttPacketReader().TryRead(ref truncated, out _), $"read from {length} bytes");
            Assert.Equal(length, truncated.Length);
        }
    }

    /// <summary>
    /// 268,435,455 (FF FF FF 7F) is the largest Remaining Length: its fixed header is accepted and the reader
    /// waits for the body rather than rejecting it.
    /// </summary>
    [Fact]
    public void Largest_four_byte_remaining_length_is_accepted_and_waits_for_the_body()
    {
        var buffer = new ReadOnlySequence<byte>(Hex("30", "FF FF FF 7F", "00 01 61")); // PUBLISH; RL 268,435,455; topic "a"

        Assert.False(new MqttPacketReader().TryRead(ref buffer, out _));
        Assert.False(MqttPacketReader.TryReadFrame(buffer, MqttPacketReader.MaxPacketSize, out var header, out _));
        Assert.Equal(0x30, header);
        Assert.Equal(268_435_455 + 5, MqttPacketReader.MaxPacketSize);
    }

    /// <summary>"The maximum number of bytes in the Variable Byte Integer field is four" (5.0 section 1.5.5).</summary>
    [Fact]
    public void Remaining_length_with_a_fifth_byte_is_malformed()
    {
        var buffer = new ReadOnlySequence<byte>(Hex("30", "FF FF FF FF 01")); // PUBLISH; continuation bit set on the fourth byte

        var e = Assert.Throws<MqttProtocolException>(() => new MqttPacketReader().TryRead(ref buffer, out _));

        Assert.Equal(MqttReasonCode.MalformedPacket, e.ReasonCode);
    }

    private static (PublishPacket Packet, byte[] Header) Publish(int remainingLength, string encoded)
    {
        var payload = new byte[remainingLength - VariableHeader.Length];
        for (var i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)(i % 251);
        }

        var header = Hex("30", encoded).Concat(VariableHeader).ToArray(); // PUBLISH QoS 0; Remaining Length; Topic Name "a"
        return (new PublishPacket { Topic = "a", Payload = payload }, header);
    }
}
