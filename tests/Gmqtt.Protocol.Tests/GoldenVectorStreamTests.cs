using System.Buffers;
using static Gmqtt.Protocol.Tests.PacketTestHelpers;

namespace Gmqtt.Protocol.Tests;

/// <summary>
/// Several golden vectors back to back in one buffer, as a connection delivers them: read in order, however the
/// bytes are segmented, and nothing is consumed of a packet that has not fully arrived.
/// </summary>
public class GoldenVectorStreamTests
{
    /// <summary>
    /// A 5.0 session. The reader starts at its default (3.1.1); the CONNECT switches it to 5.0, which the
    /// following packets need (properties, short acknowledgment forms, AUTH).
    /// </summary>
    private static readonly string[] V500Session =
    [
        "CONNECT 5.0 figure 3-6 with will properties, user name and password",
        "AUTH 5.0 continue authentication with method, data and reason string",
        "SUBSCRIBE 5.0 subscription options, three byte subscription identifier, shared filter",
        "PUBLISH 5.0 QoS 2 retained with every PUBLISH property",
        "PUBACK 5.0 remaining length 2 means success",
        "PUBREL 5.0 remaining length 3 packet identifier not found",
        "PINGREQ 5.0",
        "UNSUBSCRIBE 5.0 wildcard filters with user property",
        "PUBLISH 5.0 QoS 0 empty topic with topic alias",
        "DISCONNECT 5.0 remaining length 1 with will message",
    ];

    /// <summary>A 3.1.1 session, from the server's side of the wire and the client's, mixed.</summary>
    private static readonly string[] V311Session =
    [
        "CONNECT 3.1.1 figure 3.6 with will QoS 1, user name and password",
        "CONNACK 3.1.1 accepted with session present",
        "PUBLISH 3.1.1 QoS 2 DUP a/b packet id 10",
        "PUBREC 3.1.1",
        "PUBREL 3.1.1",
        "PUBCOMP 3.1.1",
        "SUBACK 3.1.1 QoS 0, QoS 2 and failure 0x80",
        "PINGRESP 3.1.1",
        "PUBLISH 3.1.1 QoS 0 retained with empty payload",
        "DISCONNECT 3.1.1",
    ];

    public static TheoryData<string> Sessions => new(nameof(V500Session), nameof(V311Session));

    [Theory]
    [MemberData(nameof(Sessions))]
    public void Packets_back_to_back_in_one_buffer_are_read_in_order_and_consume_it(string session)
    {
        var (vectors, bytes) = Concatenate(session);
        var buffer = new ReadOnlySequence<byte>(bytes);

        AssertReadsAll(vectors, ref buffer);
    }

    [Theory]
    [MemberData(nameof(Sessions))]
    public void Packets_back_to_back_split_into_two_segments_at_every_position_are_read_in_order(string session)
    {
        var (vectors, bytes) = Concatenate(session);
        for (var cut = 1; cut < bytes.Length; cut++)
        {
            var buffer = Segmented(bytes, cut);
            AssertReadsAll(vectors, ref buffer);
        }
    }

    [Theory]
    [MemberData(nameof(Sessions))]
    public void Packets_back_to_back_in_one_byte_segments_are_read_in_order(string session)
    {
        var (vectors, bytes) = Concatenate(session);
        var buffer = OneBytePerSegment(bytes);

        AssertReadsAll(vectors, ref buffer);
    }

    /// <summary>
    /// Like a pipe that has received only the first <c>n</c> bytes: every whole packet is read, the partial one
    /// is left in the buffer untouched, for every <c>n</c>.
    /// </summary>
    [Theory]
    [MemberData(nameof(Sessions))]
    public void Packets_back_to_back_read_from_every_prefix_stop_at_the_first_incomplete_one(string session)
    {
        var (vectors, bytes) = Concatenate(session);
        var ends = new List<int>();
        var end = 0;
        foreach (var vector in vectors)
        {
            end += vector.Bytes.Length;
            ends.Add(end);
        }

        for (var received = 0; received <= bytes.Length; received++)
        {
            var whole = ends.Count(e => e <= received);
            var consumed = whole == 0 ? 0 : ends[whole - 1];
            var buffer = Segmented(bytes[..received], received / 2);
            var reader = new MqttPacketReader();

            var packets = ReadAll(reader, ref buffer);

            Assert.Equal(whole, packets.Count);
            Assert.Equal(received - consumed, buffer.Length);
            for (var i = 0; i < whole; i++)
            {
                PacketComparer.AssertEqual(vectors[i].Packet(), packets[i]);
            }
        }
    }

    private static (GoldenVector[] Vectors, byte[] Bytes) Concatenate(string session)
    {
        var names = session == nameof(V500Session) ? V500Session : V311Session;
        var vectors = names.Select(GoldenVectors.Get).ToArray();
        return (vectors, vectors.SelectMany(v => v.Bytes).ToArray());
    }

    private static void AssertReadsAll(GoldenVector[] vectors, ref ReadOnlySequence<byte> buffer)
    {
        // A fresh reader at its default version: the session's CONNECT decides the version.
        var reader = new MqttPacketReader();

        var packets = ReadAll(reader, ref buffer);

        Assert.True(buffer.IsEmpty, $"{buffer.Length} bytes were left unread.");
        Assert.Equal(vectors.Length, packets.Count);
        for (var i = 0; i < vectors.Length; i++)
        {
            PacketComparer.AssertEqual(vectors[i].Packet(), packets[i]);
        }

        Assert.Equal(vectors[0].Version, reader.ProtocolVersion);
    }
}
