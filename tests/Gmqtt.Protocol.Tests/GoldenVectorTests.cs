using System.Buffers;
using Gmqtt.Protocol.Packets;
using static Gmqtt.Protocol.Tests.PacketTestHelpers;

namespace Gmqtt.Protocol.Tests;

/// <summary>
/// Every hand-written vector in <see cref="GoldenVectors"/> against the writer and the reader: exact bytes, exact
/// size, field-by-field decoding, decoding from any segmentation, and "need more bytes" for every truncation.
/// </summary>
public class GoldenVectorTests
{
    public static TheoryData<string> AllVectors => new(GoldenVectors.All.Select(v => v.Name));

    public static TheoryData<string> CanonicalVectors => new(GoldenVectors.All.Where(v => v.IsCanonical).Select(v => v.Name));

    [Theory]
    [MemberData(nameof(CanonicalVectors))]
    public void Writer_produces_exactly_the_golden_bytes(string name)
    {
        var vector = GoldenVectors.Get(name);
        var output = new ArrayBufferWriter<byte>();

        var written = MqttPacketWriter.Write(vector.Packet(), vector.Version, output);

        Assert.Equal(ToHex(vector.Bytes), ToHex(output.WrittenSpan));
        Assert.Equal(vector.Bytes.Length, written);
    }

    [Theory]
    [MemberData(nameof(CanonicalVectors))]
    public void GetSize_equals_the_golden_length(string name)
    {
        var vector = GoldenVectors.Get(name);

        Assert.Equal(vector.Bytes.Length, MqttPacketWriter.GetSize(vector.Packet(), vector.Version));
    }

    [Theory]
    [MemberData(nameof(AllVectors))]
    public void Reader_decodes_the_golden_bytes_to_the_expected_packet(string name)
    {
        var vector = GoldenVectors.Get(name);

        AssertReadsWholeVector(vector, new ReadOnlySequence<byte>(vector.Bytes));
    }

    [Theory]
    [MemberData(nameof(AllVectors))]
    public void Reader_decodes_the_same_packet_when_split_into_two_segments_at_every_position(string name)
    {
        var vector = GoldenVectors.Get(name);
        for (var cut = 1; cut < vector.Bytes.Length; cut++)
        {
            var buffer = Segmented(vector.Bytes, cut);
            Assert.False(buffer.IsSingleSegment, $"cut {cut}");
            AssertReadsWholeVector(vector, buffer);
        }
    }

    [Theory]
    [MemberData(nameof(AllVectors))]
    public void Reader_decodes_the_same_packet_from_one_byte_segments(string name)
    {
        var vector = GoldenVectors.Get(name);

        AssertReadsWholeVector(vector, OneBytePerSegment(vector.Bytes));
    }

    [Theory]
    [MemberData(nameof(AllVectors))]
    public void Reader_needs_more_bytes_for_every_truncation_and_leaves_the_buffer_untouched(string name)
    {
        var vector = GoldenVectors.Get(name);
        for (var length = 0; length < vector.Bytes.Length; length++)
        {
            AssertNeedsMore(vector, new ReadOnlySequence<byte>(vector.Bytes, 0, length), length);
            AssertNeedsMore(vector, OneBytePerSegment(vector.Bytes[..length]), length);
        }
    }

    [Fact]
    public void Vectors_cover_every_packet_type_in_every_version_where_it_exists()
    {
        var expected = Enum.GetValues<MqttPacketType>()
            .SelectMany(t => Enum.GetValues<MqttProtocolVersion>().Select(v => (t, v)))
            .Where(p => p.t != MqttPacketType.Auth || p.v == MqttProtocolVersion.V500)
            .Order()
            .ToList();

        var covered = GoldenVectors.All.Where(v => v.IsCanonical).Select(v => (v.Packet().Type, v.Version)).Distinct().Order().ToList();

        Assert.Equal(14 * 3 + 1, expected.Count);
        Assert.Equal(expected, covered);
    }

    [Fact]
    public void Vectors_cover_every_mqtt5_property()
    {
        var covered = new HashSet<string>();
        foreach (var vector in GoldenVectors.All.Where(v => v.Version == MqttProtocolVersion.V500))
        {
            var packet = vector.Packet();
            var lists = new[] { (packet as MqttPacketWithProperties)?.Properties, (packet as ConnectPacket)?.Will?.Properties };
            foreach (var properties in lists.OfType<MqttProperties>())
            {
                foreach (var property in typeof(MqttProperties).GetProperties().Where(p => p.GetValue(properties) is not null))
                {
                    covered.Add(property.Name);
                }
            }
        }

        Assert.Equal(typeof(MqttProperties).GetProperties().Select(p => p.Name).Order(), covered.Order());
        Assert.Equal(Enum.GetValues<MqttPropertyId>().Length, covered.Count);
    }

    // ---------------------------------------------------------------- MQTT 3.x encodings of MQTT 5.0 reason codes

    /// <summary>
    /// The writer maps a CONNACK reason code to the closest 3.x return code (3.1.1 section 3.2.2.3, table 3.1);
    /// the reader maps the return code back to its own reason code.
    /// </summary>
    [Theory]
    [InlineData(MqttProtocolVersion.V311, MqttReasonCode.Success, 0x00, MqttReasonCode.Success)]
    [InlineData(MqttProtocolVersion.V311, MqttReasonCode.UnsupportedProtocolVersion, 0x01, MqttReasonCode.UnsupportedProtocolVersion)]
    [InlineData(MqttProtocolVersion.V311, MqttReasonCode.ClientIdentifierNotValid, 0x02, MqttReasonCode.ClientIdentifierNotValid)]
    [InlineData(MqttProtocolVersion.V311, MqttReasonCode.ServerUnavailable, 0x03, MqttReasonCode.ServerUnavailable)]
    [InlineData(MqttProtocolVersion.V311, MqttReasonCode.BadUserNameOrPassword, 0x04, MqttReasonCode.BadUserNameOrPassword)]
    [InlineData(MqttProtocolVersion.V311, MqttReasonCode.NotAuthorized, 0x05, MqttReasonCode.NotAuthorized)]
    [InlineData(MqttProtocolVersion.V311, MqttReasonCode.Banned, 0x05, MqttReasonCode.NotAuthorized)]
    [InlineData(MqttProtocolVersion.V311, MqttReasonCode.BadAuthenticationMethod, 0x04, MqttReasonCode.BadUserNameOrPassword)]
    [InlineData(MqttProtocolVersion.V311, MqttReasonCode.ServerBusy, 0x03, MqttReasonCode.ServerUnavailable)]
    [InlineData(MqttProtocolVersion.V311, MqttReasonCode.UnspecifiedError, 0x03, MqttReasonCode.ServerUnavailable)]
    [InlineData(MqttProtocolVersion.V310, MqttReasonCode.Banned, 0x05, MqttReasonCode.NotAuthorized)]
    [InlineData(MqttProtocolVersion.V310, MqttReasonCode.UnsupportedProtocolVersion, 0x01, MqttReasonCode.UnsupportedProtocolVersion)]
    public void V3_connack_carries_the_closest_return_code(MqttProtocolVersion version, MqttReasonCode reason, byte returnCode, MqttReasonCode readBack)
    {
        var expected = Hex("20 02", "00", returnCode.ToString("X2")); // CONNACK; RL 2; Session Present 0; Return Code

        var bytes = Encode(new ConnAckPacket { ReasonCode = reason }, version);

        Assert.Equal(ToHex(expected), ToHex(bytes));
        Assert.Equal(readBack, Assert.IsType<ConnAckPacket>(Decode(bytes, version)).ReasonCode);
    }

    /// <summary>MQTT 3.1.1 SUBACK has a single failure code 0x80 [MQTT-3.9.3-2]; every MQTT 5.0 failure becomes it.</summary>
    [Fact]
    public void V311_suback_writes_every_failure_reason_as_0x80()
    {
        var expected = Hex(
            "90 06",                       // SUBACK; Remaining Length 6
            "00 0A",                       // Packet Identifier 10
            "80",                          // Topic Filter invalid -> Failure
            "80",                          // Not authorized -> Failure
            "01",                          // Granted QoS 1 unchanged
            "80");                         // Quota exceeded -> Failure
        var packet = new SubAckPacket
        {
            PacketId = 10,
            ReasonCodes = [MqttReasonCode.TopicFilterInvalid, MqttReasonCode.NotAuthorized, MqttReasonCode.GrantedQoS1, MqttReasonCode.QuotaExceeded],
        };

        var bytes = Encode(packet, MqttProtocolVersion.V311);

        Assert.Equal(ToHex(expected), ToHex(bytes));
        Assert.Equal(
            [MqttReasonCode.UnspecifiedError, MqttReasonCode.UnspecifiedError, MqttReasonCode.GrantedQoS1, MqttReasonCode.UnspecifiedError],
            Assert.IsType<SubAckPacket>(Decode(bytes, MqttProtocolVersion.V311)).ReasonCodes);
    }

    /// <summary>MQTT 3.x acknowledgments and DISCONNECT have no reason code or properties to carry; they are dropped.</summary>
    [Fact]
    public void V311_drops_mqtt5_only_fields_of_acks_unsuback_and_disconnect()
    {
        var properties = new MqttProperties { ReasonString = "dropped" };

        Assert.Equal("40 02 00 0A", ToHex(Encode(new PubAckPacket { PacketId = 10, ReasonCode = MqttReasonCode.QuotaExceeded, Properties = properties }, MqttProtocolVersion.V311)));
        Assert.Equal("B0 02 00 0A", ToHex(Encode(new UnsubAckPacket { PacketId = 10, ReasonCodes = [MqttReasonCode.NotAuthorized], Properties = properties }, MqttProtocolVersion.V311)));
        Assert.Equal("E0 00", ToHex(Encode(new DisconnectPacket { ReasonCode = MqttReasonCode.ServerBusy, Properties = properties }, MqttProtocolVersion.V311)));
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>
    /// A reader in the vector's version, except for CONNECT: that reader starts in another version, because
    /// reading a CONNECT must set it.
    /// </summary>
    private static MqttPacketReader ReaderFor(GoldenVector vector) => new()
    {
        ProtocolVersion = vector.Packet() is ConnectPacket
            ? vector.Version == MqttProtocolVersion.V500 ? MqttProtocolVersion.V310 : MqttProtocolVersion.V500
            : vector.Version,
    };

    private static void AssertReadsWholeVector(GoldenVector vector, ReadOnlySequence<byte> buffer)
    {
        var reader = ReaderFor(vector);

        Assert.True(reader.TryRead(ref buffer, out var packet), "The reader asked for more bytes than the vector has.");

        Assert.True(buffer.IsEmpty, $"The reader left {buffer.Length} bytes behind.");
        PacketComparer.AssertEqual(vector.Packet(), packet);
        Assert.Equal(vector.Version, reader.ProtocolVersion);
    }

    private static void AssertNeedsMore(GoldenVector vector, ReadOnlySequence<byte> truncated, int length)
    {
        var buffer = truncated;
        var reader = ReaderFor(vector);

        var read = reader.TryRead(ref buffer, out var packet);

        Assert.False(read, $"The reader produced a packet from the first {length} bytes.");
        Assert.Null(packet);
        Assert.Equal(truncated.Length, buffer.Length);
        Assert.Equal(truncated.Start, buffer.Start);
        Assert.Equal(truncated.End, buffer.End);
    }
}
