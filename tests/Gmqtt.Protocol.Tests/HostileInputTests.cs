using System.Buffers;
using System.Text;
using Gmqtt.Protocol.Packets;
using static Gmqtt.Protocol.Tests.Wire;

namespace Gmqtt.Protocol.Tests;

/// <summary>
/// What a peer can do to the reader with bytes alone: cut packets short, announce huge ones, lie about lengths,
/// send garbage. The reader must answer "need more" or throw <see cref="MqttProtocolException"/>, never wait for
/// or allocate what the peer merely announced, and never throw anything else.
/// </summary>
public class HostileInputTests
{
    private const int Small = 1024;

    // ---------------------------------------------------------------- truncation

    public static TheoryData<MqttProtocolVersion, byte[]> Corpus()
    {
        var data = new TheoryData<MqttProtocolVersion, byte[]>();
        foreach (var (version, bytes) in FuzzCorpus.Encoded())
        {
            data.Add(version, bytes);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Every_proper_prefix_of_a_valid_packet_needs_more_bytes(MqttProtocolVersion version, byte[] bytes)
    {
        for (var length = 0; length < bytes.Length; length++)
        {
            var prefix = bytes.AsSpan(0, length).ToArray();
            foreach (var buffer in new[] { new ReadOnlySequence<byte>(prefix), PacketTestHelpers.OneBytePerSegment(prefix) })
            {
                var reader = new MqttPacketReader { ProtocolVersion = version };
                var copy = buffer;
                Assert.False(reader.TryRead(ref copy, out var packet), $"A prefix of {length} of {bytes.Length} bytes was read as a packet.");
                Assert.Null(packet);
                Assert.Equal(buffer.Start, copy.Start);
                Assert.Equal(buffer.Length, copy.Length);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void A_packet_split_anywhere_reads_the_same_as_whole(MqttProtocolVersion version, byte[] bytes)
    {
        var expected = Describe(Wire.Read(bytes, version));
        for (var cut = 1; cut < bytes.Length; cut++)
        {
            var reader = new MqttPacketReader { ProtocolVersion = version };
            var buffer = PacketTestHelpers.Segmented(bytes, cut);
            Assert.True(reader.TryRead(ref buffer, out var packet));
            Assert.True(buffer.IsEmpty);
            Assert.Equal(expected, Describe(packet));
        }
    }

    [Fact]
    public void Two_packets_back_to_back_are_read_one_at_a_time()
    {
        var bytes = Cat(Publish(V4, flags: 0x02, packetId: 9), B(0xC0, 0x00), B(0x30));
        var reader = new MqttPacketReader { ProtocolVersion = V4 };
        var buffer = PacketTestHelpers.OneBytePerSegment(bytes);
        Assert.True(reader.TryRead(ref buffer, out var first));
        Assert.Equal((ushort)9, Assert.IsType<PublishPacket>(first).PacketId);
        Assert.True(reader.TryRead(ref buffer, out var second));
        Assert.IsType<PingReqPacket>(second);
        Assert.False(reader.TryRead(ref buffer, out _));
        Assert.Equal(1, buffer.Length);
    }

    // ---------------------------------------------------------------- size limits from the fixed header alone

    [Fact]
    public void Oversize_packet_is_refused_from_its_five_header_bytes_before_the_body_arrives()
    {
        // Remaining Length 268,435,455 (0xFF 0xFF 0xFF 0x7F) against a 1 KB maximum; not one body byte is sent.
        var reader = new MqttPacketReader(Small) { ProtocolVersion = V5 };
        var buffer = new ReadOnlySequence<byte>(B(0x30, 0xFF, 0xFF, 0xFF, 0x7F));
        var e = Assert.Throws<MqttProtocolException>(() => reader.TryRead(ref buffer, out _));
        Assert.Equal(MqttReasonCode.PacketTooLarge, e.ReasonCode);
        Assert.Equal(MqttPacketType.Publish, e.PacketType);
    }

    [Theory]
    [InlineData(new byte[] { 0x30, 0xFD, 0x07 }, 1024)]             // 1021 + 3 = 1024: the maximum exactly
    [InlineData(new byte[] { 0x30, 0x7E }, 128)]                    // 126 + 2 = 128
    [InlineData(new byte[] { 0x82, 0xFF, 0xFF, 0xFF, 0x7F }, MqttPacketReader.MaxPacketSize)]
    public void A_packet_of_exactly_the_maximum_size_waits_for_its_body(byte[] header, int maximum)
    {
        var reader = new MqttPacketReader(maximum) { ProtocolVersion = V5 };
        var buffer = new ReadOnlySequence<byte>(header);
        Assert.False(reader.TryRead(ref buffer, out _));
    }

    [Theory]
    [InlineData(new byte[] { 0x30, 0xFE, 0x07 }, 1024)]             // 1022 + 3 = 1025
    [InlineData(new byte[] { 0x30, 0x7F }, 128)]                    // 127 + 2 = 129
    [InlineData(new byte[] { 0xC0, 0x01 }, 2)]                      // even a PINGREQ with one body byte
    [InlineData(new byte[] { 0x10, 0x80, 0x80, 0x01 }, 16_384)]     // 16,384 + 4
    public void One_byte_over_the_maximum_is_packet_too_large_from_the_header_alone(byte[] header, int maximum)
    {
        // MQTT 5.0 section 3.1.2.11.4 / 4.13: a packet larger than the Maximum Packet Size is answered with 0x95.
        foreach (var buffer in new[] { new ReadOnlySequence<byte>(header), PacketTestHelpers.OneBytePerSegment(header) })
        {
            var reader = new MqttPacketReader(maximum) { ProtocolVersion = V5 };
            var copy = buffer;
            var e = Assert.Throws<MqttProtocolException>(() => reader.TryRead(ref copy, out _));
            Assert.Equal(MqttReasonCode.PacketTooLarge, e.ReasonCode);
        }
    }

    [Fact]
    public void The_frame_splitter_enforces_the_maximum_too()
    {
        var e = Assert.Throws<MqttProtocolException>(
            () => MqttPacketReader.TryReadFrame(new ReadOnlySequence<byte>(B(0x30, 0xFF, 0xFF, 0xFF, 0x7F)), Small, out _, out _));
        Assert.Equal(MqttReasonCode.PacketTooLarge, e.ReasonCode);
        Assert.False(MqttPacketReader.TryReadFrame(new ReadOnlySequence<byte>(B(0x30, 0xFF, 0xFF, 0xFF, 0x7F)), MqttPacketReader.MaxPacketSize, out _, out _));
    }

    [Theory]
    [InlineData(new byte[] { 0xC0, 0x80, 0x00 })]
    [InlineData(new byte[] { 0x30, 0x85, 0x80, 0x00 })]
    [InlineData(new byte[] { 0x30, 0xFF, 0xFF, 0x80, 0x00 })]
    public void A_remaining_length_not_in_the_fewest_bytes_is_malformed(byte[] header)
    {
        // [MQTT-1.5.5-1]: a final 0x00 after a continuation byte encodes nothing; the value fits in fewer bytes.
        AssertViolation(header, V5, MqttReasonCode.MalformedPacket);
        AssertViolation(header, V4, MqttReasonCode.MalformedPacket);
    }

    [Theory]
    [InlineData(new byte[] { 0x30, 0x80, 0x80, 0x80, 0x80 })]
    [InlineData(new byte[] { 0x30, 0xFF, 0xFF, 0xFF, 0xFF })]
    [InlineData(new byte[] { 0xC0, 0x80, 0x80, 0x80, 0x80, 0x00 })]
    public void A_five_byte_remaining_length_is_malformed_as_soon_as_the_fifth_byte_arrives(byte[] header)
    {
        // Section 1.5.5: at most four bytes; the fifth continuation byte proves the packet malformed, whatever follows.
        AssertViolation(header, V5, MqttReasonCode.MalformedPacket);
        AssertViolation(header, V4, MqttReasonCode.MalformedPacket);
    }

    [Theory]
    [InlineData(new byte[] { 0x30 })]
    [InlineData(new byte[] { 0x30, 0x80 })]
    [InlineData(new byte[] { 0x30, 0x80, 0x80 })]
    [InlineData(new byte[] { 0x30, 0x80, 0x80, 0x80 })]
    [InlineData(new byte[] { 0x30, 0xFF, 0xFF, 0xFF })]
    public void An_unfinished_remaining_length_needs_more_bytes(byte[] header)
    {
        var reader = new MqttPacketReader(Small);
        var buffer = new ReadOnlySequence<byte>(header);
        Assert.False(reader.TryRead(ref buffer, out _));
    }

    [Fact]
    public void The_reader_rejects_a_maximum_outside_what_mqtt_can_express()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MqttPacketReader(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MqttPacketReader(MqttPacketReader.MaxPacketSize + 1));
    }

    // ---------------------------------------------------------------- no allocation sized by the peer

    [Fact]
    public void A_header_announcing_256_MB_allocates_nothing_of_that_size()
    {
        // The default maximum allows 268,435,455 bytes, so the reader must wait, holding only what arrived.
        var bytes = Cat(B(0x30, 0xFF, 0xFF, 0xFF, 0x7F), Str("a/b"), new byte[100]);
        var reader = new MqttPacketReader { ProtocolVersion = V5 };
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.False(reader.TryRead(ref buffer, out _)); // warm up (JIT)

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++)
        {
            buffer = new ReadOnlySequence<byte>(bytes);
            Assert.False(reader.TryRead(ref buffer, out _));
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 64 * 1024, $"Ten reads allocated {allocated} bytes.");
    }

    [Fact]
    public void A_string_announcing_65535_bytes_in_a_short_packet_allocates_nothing_of_that_size()
    {
        // Topic length 0xFFFF, three bytes present: Malformed, found before anything is allocated for the string.
        var bytes = Packet(0x30, B(0xFF, 0xFF), Encoding.ASCII.GetBytes("abc"));
        MqttProtocolException? last = null;
        void ReadOnce()
        {
            var reader = new MqttPacketReader { ProtocolVersion = V4 };
            var buffer = new ReadOnlySequence<byte>(bytes);
            try
            {
                reader.TryRead(ref buffer, out _);
            }
            catch (MqttProtocolException e)
            {
                last = e;
            }
        }

        ReadOnce(); // warm up
        var before = GC.GetAllocatedBytesForCurrentThread();
        ReadOnce();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(MqttReasonCode.MalformedPacket, last!.ReasonCode);
        Assert.True(allocated < 64 * 1024, $"One read allocated {allocated} bytes.");
    }

    [Fact]
    public void Binary_and_property_lengths_beyond_the_packet_allocate_nothing_of_that_size()
    {
        var cases = new[]
        {
            Connect(V4, flags: 0xC2, userName: Str("u"), password: B(0xFF, 0xFF, 0x01)),       // Password 65,535
            Packet(0x30, Str("a"), B(0xFF, 0xFF, 0xFF, 0x7F)),                                     // Property Length 268,435,455
            Publish(V5, properties: Props(B((byte)MqttPropertyId.CorrelationData, 0xFF, 0xFF))), // Correlation Data 65,535
        };
        foreach (var bytes in cases)
        {
            var version = bytes == cases[0] ? V4 : V5;
            AssertViolation(bytes, version, MqttReasonCode.MalformedPacket); // warm up, and the reason
            var before = GC.GetAllocatedBytesForCurrentThread();
            var reader = new MqttPacketReader { ProtocolVersion = version };
            var buffer = new ReadOnlySequence<byte>(bytes);
            Assert.Throws<MqttProtocolException>(() => reader.TryRead(ref buffer, out _));
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < 64 * 1024, $"One read allocated {allocated} bytes.");
        }
    }

    // ---------------------------------------------------------------- lies and garbage inside the body

    public static TheoryData<string, MqttProtocolVersion, byte[], MqttReasonCode> LyingBodies => new()
    {
        { "string length beyond the packet", V4, Packet(0x30, B(0x01, 0x00), Encoding.ASCII.GetBytes("ab")), MqttReasonCode.MalformedPacket },
        { "client identifier beyond the packet", V4, Connect(V4, clientId: B(0x00, 0x20, 0x61)), MqttReasonCode.MalformedPacket },
        { "user property value beyond the property list", V5, Publish(V5, properties: Props(B((byte)MqttPropertyId.UserProperty, 0x00, 0x01, 0x61, 0x00, 0x09))), MqttReasonCode.MalformedPacket },
        { "property length beyond the packet", V5, Packet(0x40, U16(1), B(0x00, 0x7F)), MqttReasonCode.MalformedPacket },
        { "four byte integer cut by the packet", V5, Publish(V5, properties: Props(B((byte)MqttPropertyId.MessageExpiryInterval, 0x00))), MqttReasonCode.MalformedPacket },
        { "duplicated property", V5, Publish(V5, properties: Props(Prop(MqttPropertyId.ContentType, Str("a")), Prop(MqttPropertyId.ContentType, Str("a")))), MqttReasonCode.ProtocolError },
        { "duplicated property among 1000 user properties", V5, Publish(V5, properties: Props(Enumerable.Range(0, 1000).Select(_ => Prop(MqttPropertyId.UserProperty, Str(""), Str(""))).Append(Prop(MqttPropertyId.MessageExpiryInterval, U32(1))).Append(Prop(MqttPropertyId.MessageExpiryInterval, U32(1))).ToArray())), MqttReasonCode.ProtocolError },
        { "bad UTF-8 in a user property name", V5, Publish(V5, properties: Props(Prop(MqttPropertyId.UserProperty, RawStr(0xC3), Str("v")))), MqttReasonCode.MalformedPacket },
        { "subscription with a filter but no options", V5, Packet(0x82, U16(1), Props(), Str("a")), MqttReasonCode.MalformedPacket },
        { "connect with a truncated protocol name", V4, Packet(0x10, B(0x00, 0x04), Encoding.ASCII.GetBytes("MQ")), MqttReasonCode.MalformedPacket },
        { "connect of zero bytes", V4, B(0x10, 0x00), MqttReasonCode.MalformedPacket },
        { "acknowledgement of zero bytes", V4, B(0x40, 0x00), MqttReasonCode.MalformedPacket },
        { "connack of one byte", V5, B(0x20, 0x01, 0x00), MqttReasonCode.MalformedPacket },
        { "subscribe of one byte", V4, B(0x82, 0x01, 0x00), MqttReasonCode.MalformedPacket },
    };

    [Theory]
    [MemberData(nameof(LyingBodies))]
    public void Lengths_that_lie_and_garbage_in_the_body_are_rejected(string what, MqttProtocolVersion version, byte[] bytes, MqttReasonCode expected)
    {
        Assert.NotEmpty(what);
        AssertViolation(bytes, version, expected);
    }

    [Fact]
    public void A_violation_names_the_packet_type_it_was_found_in()
    {
        var e = AssertViolation(Subscribe(V5, 1, null, (Str("a/#/b"), 0)), V5, MqttReasonCode.MalformedPacket);
        Assert.Equal(MqttPacketType.Subscribe, e.PacketType);
    }

    // ---------------------------------------------------------------- random mutation

    [Fact]
    public void Random_mutations_of_valid_packets_only_ever_throw_MqttProtocolException()
    {
        const int Iterations = 20_000;
        var corpus = FuzzCorpus.Encoded();
        var random = new Random(20_240_601);
        var outcomes = new Dictionary<string, int>();

        for (var i = 0; i < Iterations; i++)
        {
            var (version, seed) = corpus[random.Next(corpus.Count)];
            var bytes = Mutate(seed, random);
            var maximum = random.Next(4) == 0 ? random.Next(2, 64) : MqttPacketReader.MaxPacketSize;

            var whole = ReadAll(new ReadOnlySequence<byte>(bytes), version, maximum, bytes);
            var cuts = Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Next(1, Math.Max(2, bytes.Length))).ToArray();
            var split = ReadAll(PacketTestHelpers.Segmented(bytes, cuts), version, maximum, bytes);
            Assert.True(whole == split, $"Iteration {i}: whole gave '{whole}' but split at [{string.Join(",", cuts)}] gave '{split}' for {Convert.ToHexString(bytes)}.");
            if (bytes.Length <= 64)
            {
                var bytewise = ReadAll(PacketTestHelpers.OneBytePerSegment(bytes), version, maximum, bytes);
                Assert.True(whole == bytewise, $"Iteration {i}: whole gave '{whole}' but one byte per segment gave '{bytewise}' for {Convert.ToHexString(bytes)}.");
            }

            var kind = whole[(whole.LastIndexOf(' ') + 1)..];
            outcomes[kind] = outcomes.GetValueOrDefault(kind) + 1;
        }


        // The mutations must exercise every way out, or the test proves little.
        Assert.True(outcomes.GetValueOrDefault("more") > 100, Summary(outcomes));
        Assert.True(outcomes.GetValueOrDefault("0x81") > 100, Summary(outcomes));
        Assert.True(outcomes.GetValueOrDefault("0x82") > 10, Summary(outcomes));
        Assert.True(outcomes.GetValueOrDefault("0x95") > 10, Summary(outcomes));
        Assert.True(outcomes.GetValueOrDefault("done") > 100, Summary(outcomes));
    }

    private static string Summary(Dictionary<string, int> outcomes) =>
        string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}={o.Value}"));

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits; e++)
        {
            var at = random.Next(bytes.Count + 1);
            switch (random.Next(6))
            {
                case 0 when at < bytes.Count:
                    bytes[at] ^= (byte)(1 << random.Next(8));                   // flip a bit
                    break;
                case 1 when at < bytes.Count:
                    bytes[at] = (byte)random.Next(256);                        // replace a byte
                    break;
                case 2:
                    bytes.Insert(at, (byte)random.Next(256));                  // insert a byte
                    break;
                case 3 when at < bytes.Count:
                    bytes.RemoveAt(at);                                        // delete a byte
                    break;
                case 4 when at < bytes.Count:
                    bytes[at] = random.Next(2) == 0 ? (byte)0xFF : (byte)0x00; // an extreme length byte
                    break;
                default:
                    bytes.RemoveRange(at, bytes.Count - at);                   // truncate
                    break;
            }
        }

        return bytes.ToArray();
    }

    /// <summary>
    /// Reads until the reader needs more or throws; returns the packets read and how it stopped. Every TryRead
    /// must return: a successful one consumes at least two bytes, so the loop ends.
    /// </summary>
    private static string ReadAll(ReadOnlySequence<byte> buffer, MqttProtocolVersion version, int maximum, byte[] bytes)
    {
        var reader = new MqttPacketReader(maximum) { ProtocolVersion = version };
        var read = new StringBuilder();
        while (true)
        {
            var before = buffer.Length;
            bool ok;
            MqttPacket? packet;
            try
            {
                ok = reader.TryRead(ref buffer, out packet);
            }
            catch (MqttProtocolException e)
            {
                Assert.True(e.ReasonCode is MqttReasonCode.MalformedPacket or MqttReasonCode.ProtocolError
                    or MqttReasonCode.PacketTooLarge or MqttReasonCode.UnsupportedProtocolVersion
                    or MqttReasonCode.TopicAliasInvalid, e.ReasonCode.ToString()); // Topic Alias 0 (section 3.3.4).
                return read.Append($"0x{(byte)e.ReasonCode:X2}").ToString();
            }
            catch (Exception e)
            {
                Assert.Fail($"{e.GetType().Name} escaped the reader for {Convert.ToHexString(bytes)}: {e}");
                throw;
            }

            if (!ok)
            {
                Assert.Equal(before, buffer.Length);
                return read.Append(buffer.IsEmpty ? "done" : "more").ToString();
            }

            Assert.True(buffer.Length <= before - 2, "A successful read consumed less than a fixed header.");
            read.Append(Describe(packet!)).Append(' ');
        }
    }

    /// <summary>A fingerprint of a packet's decoded content, to compare two readings of the same bytes.</summary>
    private static string Describe(MqttPacket packet) => packet switch
    {
        ConnectPacket c => $"CONNECT {c.ProtocolVersion} {c.ClientId} {c.UserName} {Hex(c.Password)} {c.Will?.Topic} {Hex(c.Will?.Payload)} {PropertiesText(c.Properties)} {PropertiesText(c.Will?.Properties)}",
        PublishPacket p => $"PUBLISH {p.Topic} {p.QoS} {p.PacketId} {p.Dup} {p.Retain} {Hex(p.Payload)} {PropertiesText(p.Properties)}",
        SubscribePacket s => $"SUBSCRIBE {s.PacketId} {string.Join(",", s.Filters.Select(f => $"{f.Filter}/{f.MaximumQoS}/{f.NoLocal}/{f.RetainAsPublished}/{f.RetainHandling}"))} {PropertiesText(s.Properties)}",
        UnsubscribePacket u => $"UNSUBSCRIBE {u.PacketId} {string.Join(",", u.Filters)} {PropertiesText(u.Properties)}",
        MqttAckPacket a => $"{a.Type} {a.PacketId} {a.ReasonCode} {PropertiesText(a.Properties)}",
        SubAckPacket s => $"SUBACK {s.PacketId} {string.Join(",", s.ReasonCodes)} {PropertiesText(s.Properties)}",
        UnsubAckPacket u => $"UNSUBACK {u.PacketId} {string.Join(",", u.ReasonCodes)} {PropertiesText(u.Properties)}",
        ConnAckPacket c => $"CONNACK {c.SessionPresent} {c.ReasonCode} {PropertiesText(c.Properties)}",
        DisconnectPacket d => $"DISCONNECT {d.ReasonCode} {PropertiesText(d.Properties)}",
        AuthPacket a => $"AUTH {a.ReasonCode} {PropertiesText(a.Properties)}",
        _ => packet.Type.ToString(),
    };

    private static string Hex(ReadOnlyMemory<byte>? bytes) => bytes is null ? "-" : Convert.ToHexString(bytes.Value.Span);

    private static readonly System.Reflection.PropertyInfo[] PropertyInfos = typeof(MqttProperties).GetProperties();

    private static string PropertiesText(MqttProperties? p) => p is null ? "-" : string.Join(";", PropertyInfos
        .Select(property => (property.Name, Value: property.GetValue(p)))
        .Where(x => x.Value is not null)
        .Select(x => $"{x.Name}={x.Value switch
        {
            ReadOnlyMemory<byte> m => Convert.ToHexString(m.Span),
            System.Collections.IEnumerable e and not string => string.Join(",", e.Cast<object>()),
            var v => v,
        }}"));
}
