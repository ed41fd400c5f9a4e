using System.Buffers;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Protocol.Tests;

/// <summary>
/// Property-based round trips over random valid packets of every type, in every version where the type exists
/// (generators in <see cref="PacketGenerators"/>, equality in <see cref="PacketComparer"/>).
/// </summary>
[Properties(Arbitrary = [typeof(PacketGenerators)], MaxTest = 400)]
public class RoundTripPropertyTests
{
    /// <summary>GetSize equals the bytes written, and the bytes decode to an equal packet.</summary>
    [Property]
    public void Encode_then_decode_gives_an_equal_packet(RoundTripCase c)
    {
        var bytes = Encode(c);
        PacketComparer.AssertEqual(c.Packet, Decode(new ReadOnlySequence<byte>(bytes), c.Version, bytes.Length));
    }

    /// <summary>Decoding does not depend on where the buffer is cut into segments.</summary>
    [Property]
    public void Decoding_random_segments_gives_an_equal_packet(RoundTripCase c)
    {
        var bytes = Encode(c);
        var segmented = PacketTestHelpers.Segmented(bytes, c.CutsFor(bytes.Length));
        PacketComparer.AssertEqual(c.Packet, Decode(segmented, c.Version, bytes.Length));
    }

    /// <summary>
    /// Streaming: with only a prefix of the packet buffered (cut at a random position) the reader asks for more
    /// and consumes nothing; once the rest arrives, in another segment, it reads the packet.
    /// </summary>
    [Property]
    public void A_packet_split_at_a_random_position_is_read_once_complete(RoundTripCase c)
    {
        var bytes = Encode(c);
        var split = c.CutsFor(bytes.Length).FirstOrDefault(bytes.Length / 2);
        var reader = new MqttPacketReader { ProtocolVersion = c.Version };

        var prefix = new ReadOnlySequence<byte>(bytes, 0, split);
        Assert.False(reader.TryRead(ref prefix, out _));
        Assert.Equal(split, prefix.Length);

        var whole = PacketTestHelpers.Segmented(bytes, split);
        Assert.True(reader.TryRead(ref whole, out var packet));
        Assert.True(whole.IsEmpty);
        PacketComparer.AssertEqual(c.Packet, packet);
    }

    /// <summary>Every byte in its own segment (bounded to small packets to keep the run short).</summary>
    [Property(MaxTest = 200)]
    public void Decoding_one_byte_per_segment_gives_an_equal_packet(RoundTripCase c)
    {
        var bytes = Encode(c);
        if (bytes.Length > 4096)
        {
            return;
        }

        PacketComparer.AssertEqual(c.Packet, Decode(PacketTestHelpers.OneBytePerSegment(bytes), c.Version, bytes.Length));
    }

    /// <summary>encode(decode(bytes)) == bytes: the codec has one canonical encoding for what it reads.</summary>
    [Property]
    public void Reencoding_a_decoded_packet_gives_the_same_bytes(RoundTripCase c)
    {
        var bytes = Encode(c);
        var segmented = PacketTestHelpers.Segmented(bytes, c.CutsFor(bytes.Length));
        var decoded = Decode(segmented, c.Version, bytes.Length);
        Assert.Equal(Convert.ToHexString(bytes), Convert.ToHexString(PacketTestHelpers.Encode(decoded, c.Version)));
    }

    /// <summary>The zero-copy PUBLISH view reads the same packet as <see cref="MqttPacketReader.TryRead"/>, segmented or not.</summary>
    [Property]
    public Property Publish_view_agrees_with_the_packet_reader() =>
        Prop.ForAll(PacketGenerators.PublishCase.ToArbitrary(), c =>
        {
            var bytes = Encode(c);
            var segmented = PacketTestHelpers.Segmented(bytes, c.CutsFor(bytes.Length));
            Assert.True(MqttPacketReader.TryReadFrame(segmented, MqttPacketReader.MaxPacketSize, out var header, out var body));
            Assert.True(segmented.Slice(body.End).IsEmpty);
            var view = new MqttPacketReader { ProtocolVersion = c.Version }.ReadPublishView(header, body);
            var packet = (PublishPacket)c.Packet;
            Assert.Equal(packet.Topic, view.GetTopic());
            Assert.Equal(packet.Payload.Length, view.Payload.Length);
            PacketComparer.AssertEqual(c.Packet, view.ToPacket());
        });

    /// <summary>Several packets back to back in one segmented buffer are read in order.</summary>
    [Property(MaxTest = 200)]
    public Property Consecutive_packets_are_read_in_order() =>
        Prop.ForAll(PacketGenerators.ConsecutiveCases.ToArbitrary(), pair =>
        {
            var (a, b) = pair;
            var first = Encode(a);
            var bytes = first.Concat(Encode(b)).ToArray();
            var buffer = PacketTestHelpers.Segmented(bytes, a.CutsFor(bytes.Length));
            var reader = new MqttPacketReader { ProtocolVersion = a.Version };
            Assert.True(reader.TryRead(ref buffer, out var p1));
            Assert.Equal(bytes.Length - first.Length, buffer.Length);
            Assert.True(reader.TryRead(ref buffer, out var p2));
            Assert.True(buffer.IsEmpty);
            PacketComparer.AssertEqual(a.Packet, p1);
            PacketComparer.AssertEqual(b.Packet, p2);
        });

    /// <summary>Encodes with <see cref="PacketTestHelpers.Encode"/>, which also checks GetSize == bytes written == returned count.</summary>
    private static byte[] Encode(RoundTripCase c) => PacketTestHelpers.Encode(c.Packet, c.Version);

    private static MqttPacket Decode(ReadOnlySequence<byte> buffer, MqttProtocolVersion version, int expectedLength)
    {
        var reader = new MqttPacketReader { ProtocolVersion = version };
        var before = buffer.Length;
        Assert.True(reader.TryRead(ref buffer, out var packet), "TryRead asked for more bytes although the whole packet was there.");
        Assert.Equal(expectedLength, before - buffer.Length);
        Assert.True(buffer.IsEmpty, "The reader left bytes behind.");
        if (packet is ConnectPacket connect)
        {
            Assert.Equal(connect.ProtocolVersion, reader.ProtocolVersion);
        }

        return packet;
    }
}
