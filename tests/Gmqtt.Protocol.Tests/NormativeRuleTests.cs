using System.Buffers;
using Gmqtt.Protocol.Packets;
using static Gmqtt.Protocol.Tests.Wire;

namespace Gmqtt.Protocol.Tests;

/// <summary>
/// One row per rule the reader enforces, asserting the exact reason code. Statement numbers are MQTT 5.0
/// unless marked "3.1.1"; rules without a number cite their section. Every negative row changes one argument
/// of a builder whose defaults are valid (see <see cref="Builder_defaults_are_valid_packets"/>), and every
/// violation is also read one byte per segment, which must give the same reason code.
/// </summary>
public class NormativeRuleTests
{
    private const MqttReasonCode Malformed = MqttReasonCode.MalformedPacket;
    private const MqttReasonCode Protocol = MqttReasonCode.ProtocolError;

    [Fact]
    public void Builder_defaults_are_valid_packets()
    {
        foreach (var version in new[] { V3, V4, V5 })
        {
            Assert.IsType<ConnectPacket>(Read(Connect(version), MqttProtocolVersion.V311));
            Assert.IsType<PublishPacket>(Read(Publish(version), version));
            Assert.IsType<SubscribePacket>(Read(Subscribe(version), version));
            Assert.IsType<UnsubscribePacket>(Read(Unsubscribe(version, 1, null, Str("a/#")), version));
        }

        var full = Assert.IsType<ConnectPacket>(Read(
            Connect(V5, flags: 0xEE, willTopic: Str("w"), userName: Str("u"), password: RawStr(9)),
            MqttProtocolVersion.V311));
        Assert.Equal(MqttQualityOfService.AtLeastOnce, full.Will!.QoS);
        Assert.Equal("u", full.UserName);
    }

    // ---------------------------------------------------------------- fixed header

    /// <summary>Valid packets of every type whose reserved flags the tests below corrupt.</summary>
    public static TheoryData<MqttProtocolVersion, MqttPacketType, byte[]> ValidPacketsOfEveryType()
    {
        var data = new TheoryData<MqttProtocolVersion, MqttPacketType, byte[]>();
        foreach (var version in new[] { V4, V5 })
        {
            foreach (var packet in FuzzCorpus.Packets(version))
            {
                if (packet.Type != MqttPacketType.Publish)
                {
                    data.Add(version, packet.Type, PacketTestHelpers.Encode(packet, version));
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ValidPacketsOfEveryType))]
    public void Reserved_fixed_header_flags_other_than_the_listed_value_are_malformed(MqttProtocolVersion version, MqttPacketType type, byte[] valid)
    {
        // [MQTT-2.1.3-1] (3.1.1: [MQTT-2.2.2-1], [MQTT-2.2.2-2]); per packet [MQTT-3.6.1-1] PUBREL,
        // [MQTT-3.8.1-1] SUBSCRIBE, [MQTT-3.10.1-1] UNSUBSCRIBE, [MQTT-3.14.1-1] DISCONNECT, [MQTT-3.15.1-1] AUTH.
        Assert.Equal(type, Read(valid, version).Type);
        var listed = valid[0] & 0x0F;
        for (var flags = 0; flags < 16; flags++)
        {
            if (flags == listed)
            {
                continue;
            }

            var corrupt = (byte[])valid.Clone();
            corrupt[0] = (byte)((valid[0] & 0xF0) | flags);
            AssertViolation(corrupt, version, Malformed);
        }
    }

    public static TheoryData<string, MqttProtocolVersion, byte[], MqttReasonCode> FixedHeaderViolations => new()
    {
        // [MQTT-3.3.1-4] A PUBLISH Packet MUST NOT have both QoS bits set to 1 (both versions).
        { "PUBLISH QoS 3 [MQTT-3.3.1-4]", V4, Publish(V4, flags: 0x06), Malformed },
        { "PUBLISH QoS 3 [MQTT-3.3.1-4]", V5, Publish(V5, flags: 0x06), Malformed },
        // [MQTT-3.3.1-2] The DUP flag MUST be set to 0 for all QoS 0 messages.
        { "PUBLISH DUP on QoS 0 [MQTT-3.3.1-2]", V4, Publish(V4, flags: 0x08), Malformed },
        { "PUBLISH DUP on QoS 0 [MQTT-3.3.1-2]", V5, Publish(V5, flags: 0x09), Malformed },
        // Section 2.1.2: packet type 0 is "Reserved, Forbidden" (3.1.1 section 2.2.1).
        { "packet type 0 (section 2.1.2)", V4, B(0x00, 0x00), Malformed },
        { "packet type 0 (section 2.1.2)", V5, B(0x00, 0x00), Malformed },
        // 3.1.1 section 2.2.1: type 15 is "Reserved, Forbidden"; AUTH exists only in MQTT 5.0.
        { "AUTH in 3.1.1 (3.1.1 section 2.2.1)", V4, B(0xF0, 0x00), Malformed },
        { "AUTH in 3.1 (3.1.1 section 2.2.1)", V3, B(0xF0, 0x00), Malformed },
        // Section 1.5.5 / 2.1.4: a Variable Byte Integer is at most four bytes (3.1.1 section 2.2.3).
        { "Remaining Length of five bytes (section 1.5.5)", V4, B(0x30, 0x80, 0x80, 0x80, 0x80, 0x01), Malformed },
        { "Remaining Length of five bytes (section 1.5.5)", V5, B(0xC0, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F), Malformed },
    };

    [Theory]
    [MemberData(nameof(FixedHeaderViolations))]
    public void Fixed_header_violations_are_rejected_with_the_exact_reason_code(string rule, MqttProtocolVersion version, byte[] bytes, MqttReasonCode expected)
    {
        Assert.NotEmpty(rule);
        AssertViolation(bytes, version, expected);
    }

    [Fact]
    public void Publish_with_dup_on_qos_1_and_retain_is_accepted()
    {
        var publish = Assert.IsType<PublishPacket>(Read(Publish(V5, flags: 0x0B), V5));
        Assert.True(publish.Dup);
        Assert.True(publish.Retain);
        Assert.Equal(MqttQualityOfService.AtLeastOnce, publish.QoS);
    }

    // ---------------------------------------------------------------- UTF-8 strings

    /// <summary>Byte sequences that are not well-formed UTF-8 or are forbidden by MQTT.</summary>
    public static TheoryData<string, byte[]> IllFormedUtf8 => new()
    {
        // [MQTT-1.5.4-1] (3.1.1: [MQTT-1.5.3-1]): well-formed UTF-8 (RFC 3629), no surrogates.
        { "lone continuation byte", B(0x61, 0x80) },
        { "0xFF never appears in UTF-8", B(0xFF) },
        { "encoded high surrogate U+D800", B(0xED, 0xA0, 0x80) },
        { "encoded low surrogate U+DFFF", B(0xED, 0xBF, 0xBF) },
        { "CESU-8 surrogate pair", B(0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80) },
        { "overlong '/' (C0 AF)", B(0x61, 0xC0, 0xAF) },
        { "overlong '/' (E0 80 AF)", B(0xE0, 0x80, 0xAF) },
        { "overlong U+0000 (C0 80)", B(0xC0, 0x80) },
        { "above U+10FFFF (F4 90 80 80)", B(0xF4, 0x90, 0x80, 0x80) },
        { "sequence cut at the end of the string", B(0x61, 0xE2, 0x82) },
        // [MQTT-1.5.4-2] (3.1.1: [MQTT-1.5.3-2]): no U+0000.
        { "U+0000", B(0x61, 0x00, 0x62) },
    };

    [Theory]
    [MemberData(nameof(IllFormedUtf8))]
    public void Ill_formed_utf8_in_any_string_field_is_malformed(string why, byte[] utf8)
    {
        Assert.NotEmpty(why);
        var s = RawStr(utf8);
        foreach (var version in new[] { V4, V5 })
        {
            AssertViolation(Publish(version, topic: s), version, Malformed);                   // [MQTT-3.3.2-1]
            AssertViolation(Connect(version, clientId: s), version, Malformed);                // [MQTT-3.1.3-4]
            AssertViolation(Connect(version, flags: 0x06, willTopic: s), version, Malformed);  // [MQTT-3.1.3-11]
            AssertViolation(Connect(version, flags: 0x82, userName: s), version, Malformed);   // [MQTT-3.1.3-12]
            AssertViolation(Subscribe(version, 1, null, (s, 0)), version, Malformed);         // [MQTT-3.8.3-1]
            AssertViolation(Unsubscribe(version, 1, null, s), version, Malformed);             // [MQTT-3.10.3-1]
        }

        // [MQTT-1.5.7-1]: both strings of a User Property; [MQTT-3.3.2-19] Content Type; [MQTT-3.3.2-13] Response Topic.
        AssertViolation(Publish(V5, properties: Props(Prop(MqttPropertyId.UserProperty, s, Str("v")))), V5, Malformed);
        AssertViolation(Publish(V5, properties: Props(Prop(MqttPropertyId.UserProperty, Str("n"), s))), V5, Malformed);
        AssertViolation(Publish(V5, properties: Props(Prop(MqttPropertyId.ContentType, s))), V5, Malformed);
        AssertViolation(Publish(V5, properties: Props(Prop(MqttPropertyId.ResponseTopic, s))), V5, Malformed);
        AssertViolation(Read5Disconnect(Props(Prop(MqttPropertyId.ReasonString, s))), V5, Malformed);
    }

    private static byte[] Read5Disconnect(byte[] properties) => Packet(0xE0, B(0x00), properties);

    [Fact]
    public void A_byte_order_mark_is_kept_not_stripped()
    {
        // [MQTT-1.5.4-3] (3.1.1: [MQTT-1.5.3-3]): EF BB BF is U+FEFF and MUST NOT be skipped or stripped.
        var topic = RawStr(0xEF, 0xBB, 0xBF, 0x61);
        var publish = Assert.IsType<PublishPacket>(Read(Publish(V4, topic: topic), V4));
        Assert.Equal("\uFEFFa", publish.Topic);
    }

    [Fact]
    public void Supplementary_characters_and_noncharacters_are_well_formed()
    {
        // U+1F600 (4 bytes) and U+FFFF are well-formed UTF-8; [MQTT-1.5.4-1] forbids only ill-formed data and
        // surrogates (noncharacters are a SHOULD NOT for senders, section 1.5.4).
        var publish = Assert.IsType<PublishPacket>(Read(Publish(V5, topic: Str("a/\U0001F600/\uFFFF")), V5));
        Assert.Equal("a/\U0001F600/\uFFFF", publish.Topic);
    }

    // ---------------------------------------------------------------- properties (MQTT 5.0)

    public static TheoryData<string, byte[], MqttReasonCode> PropertyViolations => new()
    {
        // Each property's definition: "It is a Protocol Error to include ... more than once".
        { "Topic Alias twice in PUBLISH (3.3.2.3.4)", Publish(properties: Props(Prop(MqttPropertyId.TopicAlias, U16(1)), Prop(MqttPropertyId.TopicAlias, U16(2)))), Protocol },
        { "Session Expiry Interval twice in CONNECT (3.1.2.11.2)", Connect(properties: Props(Prop(MqttPropertyId.SessionExpiryInterval, U32(1)), Prop(MqttPropertyId.SessionExpiryInterval, U32(1)))), Protocol },
        { "Subscription Identifier twice in SUBSCRIBE (3.8.2.1.2)", Subscribe(properties: Props(Prop(MqttPropertyId.SubscriptionIdentifier, Vbi(1)), Prop(MqttPropertyId.SubscriptionIdentifier, Vbi(2)))), Protocol },
        { "Reason String twice in DISCONNECT (3.14.2.2.3)", Read5Disconnect(Props(Prop(MqttPropertyId.ReasonString, Str("x")), Prop(MqttPropertyId.ReasonString, Str("y")))), Protocol },
        { "Payload Format Indicator twice in the will (3.1.3.2.3)", Connect(flags: 0x06, willTopic: Str("w"), willProperties: Props(Prop(MqttPropertyId.PayloadFormatIndicator, B(1)), Prop(MqttPropertyId.PayloadFormatIndicator, B(1)))), Protocol },

        // Section 2.2.2.2: an Identifier not valid for its packet type is a Malformed Packet.
        { "Topic Alias in CONNECT (2.2.2.2)", Connect(properties: Props(Prop(MqttPropertyId.TopicAlias, U16(1)))), Malformed },
        { "Will Delay Interval in PUBLISH (2.2.2.2)", Publish(properties: Props(Prop(MqttPropertyId.WillDelayInterval, U32(1)))), Malformed },
        { "Will Delay Interval in CONNECT, outside the will (2.2.2.2)", Connect(properties: Props(Prop(MqttPropertyId.WillDelayInterval, U32(1)))), Malformed },
        { "Session Expiry Interval in the will (2.2.2.2)", Connect(flags: 0x06, willTopic: Str("w"), willProperties: Props(Prop(MqttPropertyId.SessionExpiryInterval, U32(1)))), Malformed },
        { "Maximum QoS in CONNECT (2.2.2.2)", Connect(properties: Props(Prop(MqttPropertyId.MaximumQoS, B(1)))), Malformed },
        { "Reason String in PUBLISH (2.2.2.2)", Publish(properties: Props(Prop(MqttPropertyId.ReasonString, Str("x")))), Malformed },
        { "Subscription Identifier in UNSUBSCRIBE (2.2.2.2)", Unsubscribe(V5, 1, Props(Prop(MqttPropertyId.SubscriptionIdentifier, Vbi(1))), Str("a")), Malformed },
        { "Session Expiry Interval in AUTH (2.2.2.2)", Packet(0xF0, B(0x18), Props(Prop(MqttPropertyId.SessionExpiryInterval, U32(1)))), Malformed },

        // Section 2.2.2.2: unknown identifiers (Table 2-4 lists the only valid ones).
        { "unknown property 0x00", Publish(properties: Props(B(0x00, 0x00))), Malformed },
        { "unknown property 0x04", Publish(properties: Props(B(0x04, 0x00))), Malformed },
        { "unknown property 0x2B", Publish(properties: Props(B(0x2B, 0x00))), Malformed },
        { "unknown property 0x7F", Connect(properties: Props(B(0x7F, 0x00))), Malformed },
        { "two-byte property identifier 0x80 0x01", Connect(properties: Props(B(0x80, 0x01, 0x00))), Malformed },

        // Values the definitions forbid.
        { "Receive Maximum 0 in CONNECT (3.1.2.11.3)", Connect(properties: Props(Prop(MqttPropertyId.ReceiveMaximum, U16(0)))), Protocol },
        { "Receive Maximum 0 in CONNACK (3.2.2.3.3)", Packet(0x20, B(0x00, 0x00), Props(Prop(MqttPropertyId.ReceiveMaximum, U16(0)))), Protocol },
        { "Maximum Packet Size 0 in CONNECT (3.1.2.11.4)", Connect(properties: Props(Prop(MqttPropertyId.MaximumPacketSize, U32(0)))), Protocol },
        { "Maximum Packet Size 0 in CONNACK (3.2.2.3.6)", Packet(0x20, B(0x00, 0x00), Props(Prop(MqttPropertyId.MaximumPacketSize, U32(0)))), Protocol },
        { "Subscription Identifier 0 in SUBSCRIBE (3.8.2.1.2)", Subscribe(properties: Props(Prop(MqttPropertyId.SubscriptionIdentifier, Vbi(0)))), Protocol },
        { "Subscription Identifier 0 in PUBLISH (3.3.2.3.8)", Publish(properties: Props(Prop(MqttPropertyId.SubscriptionIdentifier, Vbi(0)))), Protocol },
        { "Topic Alias 0 [MQTT-3.3.2-8]", Publish(properties: Props(Prop(MqttPropertyId.TopicAlias, U16(0)))), MqttReasonCode.TopicAliasInvalid },
        { "Response Topic with a wildcard [MQTT-3.3.2-14]", Publish(properties: Props(Prop(MqttPropertyId.ResponseTopic, Str("reply/+")))), Protocol },
        { "Request Problem Information 2 (3.1.2.11.7)", Connect(properties: Props(Prop(MqttPropertyId.RequestProblemInformation, B(2)))), Protocol },
        { "Request Response Information 2 (3.1.2.11.6)", Connect(properties: Props(Prop(MqttPropertyId.RequestResponseInformation, B(2)))), Protocol },
        { "Maximum QoS 2 in CONNACK (3.2.2.3.4)", Packet(0x20, B(0x00, 0x00), Props(Prop(MqttPropertyId.MaximumQoS, B(2)))), Protocol },
        { "Retain Available 2 (3.2.2.3.5)", Packet(0x20, B(0x00, 0x00), Props(Prop(MqttPropertyId.RetainAvailable, B(2)))), Protocol },
        { "Wildcard Subscription Available 2 (3.2.2.3.11)", Packet(0x20, B(0x00, 0x00), Props(Prop(MqttPropertyId.WildcardSubscriptionAvailable, B(2)))), Protocol },
        { "Subscription Identifiers Available 2 (3.2.2.3.12)", Packet(0x20, B(0x00, 0x00), Props(Prop(MqttPropertyId.SubscriptionIdentifierAvailable, B(2)))), Protocol },
        { "Shared Subscription Available 2 (3.2.2.3.13)", Packet(0x20, B(0x00, 0x00), Props(Prop(MqttPropertyId.SharedSubscriptionAvailable, B(0xFF)))), Protocol },
        { "Payload Format Indicator 2 (3.3.2.3.2 defines only 0 and 1; the codec treats it like the other flags)", Publish(properties: Props(Prop(MqttPropertyId.PayloadFormatIndicator, B(2)))), Protocol },

        // Lengths that run past what is there: the packet cannot be parsed, a Malformed Packet (section 1.2).
        { "Property Length beyond the packet (2.2.2.1)", Packet(0x30, Str("a"), B(0x05, 0x01)), Malformed },
        { "property value cut by the Property Length (2.2.2.1)", Publish(properties: Props(B((byte)MqttPropertyId.MessageExpiryInterval, 0, 0))), Malformed },
        { "Property Length of five bytes (1.5.5)", Packet(0x30, Str("a"), B(0x80, 0x80, 0x80, 0x80, 0x00)), Malformed },
        { "Subscription Identifier of five bytes (1.5.5)", Subscribe(properties: Props(B(0x0B, 0x81, 0x81, 0x81, 0x81, 0x01))), Malformed },
        { "Property Length not in the fewest bytes [MQTT-1.5.5-1]", Packet(0x30, Str("a"), B(0x80, 0x00)), Malformed },
        { "Subscription Identifier not in the fewest bytes [MQTT-1.5.5-1]", Subscribe(properties: Props(B(0x0B, 0x81, 0x00))), Malformed },
        { "Content Type longer than the property list", Publish(properties: Props(B((byte)MqttPropertyId.ContentType, 0x00, 0x10, 0x61))), Malformed },
    };

    [Theory]
    [MemberData(nameof(PropertyViolations))]
    public void Property_violations_are_rejected_with_the_exact_reason_code(string rule, byte[] bytes, MqttReasonCode expected)
    {
        Assert.NotEmpty(rule);
        AssertViolation(bytes, V5, expected);
    }

    [Fact]
    public void Properties_that_may_repeat_are_accepted_more_than_once()
    {
        // User Property "is allowed to appear multiple times" (3.3.2.3.7); a PUBLISH from the Server carries one
        // Subscription Identifier per matching subscription [MQTT-3.3.4-4]. Their order is kept [MQTT-3.3.2-18].
        var bytes = Publish(properties: Props(
            Prop(MqttPropertyId.UserProperty, Str("k"), Str("1")),
            Prop(MqttPropertyId.SubscriptionIdentifier, Vbi(5)),
            Prop(MqttPropertyId.UserProperty, Str("k"), Str("2")),
            Prop(MqttPropertyId.SubscriptionIdentifier, Vbi(268_435_455))));
        var publish = Assert.IsType<PublishPacket>(Read(bytes, V5));
        Assert.Equal([new MqttUserProperty("k", "1"), new MqttUserProperty("k", "2")], publish.Properties!.UserProperties!);
        Assert.Equal([5u, 268_435_455u], publish.Properties.SubscriptionIdentifiers!);
    }

    [Fact]
    public void Properties_in_the_wrong_list_of_connect_are_distinguished()
    {
        // Will Delay Interval belongs to the Will Properties (3.1.3.2.2), Session Expiry to the CONNECT's (3.1.2.11.2).
        var bytes = Connect(
            flags: 0x06,
            properties: Props(Prop(MqttPropertyId.SessionExpiryInterval, U32(10))),
            willTopic: Str("w"),
            willProperties: Props(Prop(MqttPropertyId.WillDelayInterval, U32(20))));
        var connect = Assert.IsType<ConnectPacket>(Read(bytes, V5));
        Assert.Equal(10u, connect.Properties!.SessionExpiryInterval);
        Assert.Equal(20u, connect.Will!.Properties!.WillDelayInterval);
    }

    // ---------------------------------------------------------------- packet identifiers

    public static TheoryData<string, MqttProtocolVersion, byte[], byte[]> ZeroPacketIdentifiers()
    {
        var data = new TheoryData<string, MqttProtocolVersion, byte[], byte[]>();
        foreach (var v in new[] { V4, V5 })
        {
            // [MQTT-2.2.1-3] (3.1.1: [MQTT-2.3.1-1]): SUBSCRIBE, UNSUBSCRIBE and QoS > 0 PUBLISH carry a non-zero identifier.
            data.Add("PUBLISH QoS 1", v, Publish(v, flags: 0x02, packetId: 0), Publish(v, flags: 0x02, packetId: 1));
            data.Add("PUBLISH QoS 2", v, Publish(v, flags: 0x04, packetId: 0), Publish(v, flags: 0x04, packetId: 1));
            data.Add("SUBSCRIBE", v, Subscribe(v, packetId: 0), Subscribe(v, packetId: 1));
            data.Add("UNSUBSCRIBE", v, Unsubscribe(v, 0, null, Str("a")), Unsubscribe(v, 1, null, Str("a")));

            // [MQTT-2.2.1-5] [MQTT-2.2.1-6]: acknowledgements echo an identifier that was non-zero.
            data.Add("PUBACK", v, B(0x40, 0x02, 0x00, 0x00), B(0x40, 0x02, 0x00, 0x01));
            data.Add("PUBREC", v, B(0x50, 0x02, 0x00, 0x00), B(0x50, 0x02, 0x00, 0x01));
            data.Add("PUBREL", v, B(0x62, 0x02, 0x00, 0x00), B(0x62, 0x02, 0x00, 0x01));
            data.Add("PUBCOMP", v, B(0x70, 0x02, 0x00, 0x00), B(0x70, 0x02, 0x00, 0x01));
            data.Add(
                "SUBACK",
                v,
                v == V5 ? B(0x90, 0x04, 0x00, 0x00, 0x00, 0x00) : B(0x90, 0x03, 0x00, 0x00, 0x00),
                v == V5 ? B(0x90, 0x04, 0x00, 0x01, 0x00, 0x00) : B(0x90, 0x03, 0x00, 0x01, 0x00));
            data.Add(
                "UNSUBACK",
                v,
                v == V5 ? B(0xB0, 0x04, 0x00, 0x00, 0x00, 0x00) : B(0xB0, 0x02, 0x00, 0x00),
                v == V5 ? B(0xB0, 0x04, 0x00, 0x01, 0x00, 0x00) : B(0xB0, 0x02, 0x00, 0x01));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ZeroPacketIdentifiers))]
    public void Packet_identifier_zero_is_a_protocol_error(string packet, MqttProtocolVersion version, byte[] withZero, byte[] withOne)
    {
        Assert.NotEmpty(packet);
        AssertViolation(withZero, version, Protocol);
        Assert.NotNull(Read(withOne, version));
    }

    [Fact]
    public void Publish_qos_0_has_no_packet_identifier()
    {
        // [MQTT-2.2.1-2]: a QoS 0 PUBLISH MUST NOT contain a Packet Identifier, so 00 00 after the topic is payload.
        var bytes = Packet(0x30, Str("t"), B(0x00, 0x00));
        var publish = Assert.IsType<PublishPacket>(Read(bytes, V4));
        Assert.Equal(0, publish.PacketId);
        Assert.Equal(new byte[] { 0, 0 }, publish.Payload.ToArray());
    }

    // ---------------------------------------------------------------- SUBSCRIBE / UNSUBSCRIBE

    public static TheoryData<string, MqttProtocolVersion, byte[], MqttReasonCode> SubscribeViolations => new()
    {
        // [MQTT-3.8.3-2] (3.1.1: [MQTT-3.8.3-3]): at least one Topic Filter; no payload is a Protocol Error.
        { "SUBSCRIBE without filters [MQTT-3.8.3-2]", V5, SubscribeRaw(V5, 1, null, []), Protocol },
        { "SUBSCRIBE without filters 3.1.1 [MQTT-3.8.3-3]", V4, SubscribeRaw(V4, 1, null, []), Protocol },
        // [MQTT-3.10.3-2] (both versions): at least one Topic Filter.
        { "UNSUBSCRIBE without filters [MQTT-3.10.3-2]", V5, Unsubscribe(V5, 1, null), Protocol },
        { "UNSUBSCRIBE without filters 3.1.1 [MQTT-3.10.3-2]", V4, Unsubscribe(V4, 1, null), Protocol },

        // [MQTT-3.8.3-5]: bits 6 and 7 of the Subscription Options are reserved; non-zero is malformed.
        { "Subscription Options bit 6 [MQTT-3.8.3-5]", V5, Subscribe(V5, 1, null, (Str("a"), 0x41)), Malformed },
        { "Subscription Options bit 7 [MQTT-3.8.3-5]", V5, Subscribe(V5, 1, null, (Str("a"), 0x80)), Malformed },
        // 3.1.1 [MQTT-3-8.3-4] (sic): the upper six bits of the Requested QoS byte are reserved; QoS 3 is malformed.
        { "Requested QoS bit 2 3.1.1 [MQTT-3-8.3-4]", V4, Subscribe(V4, 1, null, (Str("a"), 0x04)), Malformed },
        { "Requested QoS bit 7 3.1.1 [MQTT-3-8.3-4]", V4, Subscribe(V4, 1, null, (Str("a"), 0x80)), Malformed },
        { "Requested QoS bit 5 3.1 [MQTT-3-8.3-4]", V3, Subscribe(V3, 1, null, (Str("a"), 0x20)), Malformed },
        { "Requested QoS 3 3.1.1 [MQTT-3-8.3-4]", V4, Subscribe(V4, 1, null, (Str("a"), 0x03)), Malformed },
        // 5.0 section 3.8.3.1: "It is a Protocol Error if the Maximum QoS field has the value 3."
        { "Maximum QoS 3 (3.8.3.1)", V5, Subscribe(V5, 1, null, (Str("a"), 0x03)), Protocol },
        // 5.0 section 3.8.3.1: "It is a Protocol Error to send a Retain Handling value of 3."
        { "Retain Handling 3 (3.8.3.1)", V5, Subscribe(V5, 1, null, (Str("a"), 0x30)), Protocol },
        // [MQTT-3.8.3-4]: No Local on a Shared Subscription is a Protocol Error.
        { "No Local on $share [MQTT-3.8.3-4]", V5, Subscribe(V5, 1, null, (Str("$share/g/a"), 0x04)), Protocol },
        // A bad filter after a good one still fails the whole packet.
        { "second filter bad [MQTT-4.7.1-1]", V5, Subscribe(V5, 1, null, (Str("a/#"), 0x00), (Str("a/#/b"), 0x00)), Malformed },
    };

    [Theory]
    [MemberData(nameof(SubscribeViolations))]
    public void Subscribe_and_unsubscribe_violations_are_rejected_with_the_exact_reason_code(string rule, MqttProtocolVersion version, byte[] bytes, MqttReasonCode expected)
    {
        Assert.NotEmpty(rule);
        AssertViolation(bytes, version, expected);
    }

    [Theory]
    // [MQTT-4.7.1-1] (3.1.1: [MQTT-4.7.1-2]): '#' alone or after '/', and last.
    [InlineData("a/#/b")]
    [InlineData("a#")]
    [InlineData("#/")]
    [InlineData("##")]
    [InlineData("a/b#")]
    // [MQTT-4.7.1-2] (3.1.1: [MQTT-4.7.1-3]): '+' occupies a whole level.
    [InlineData("a+/b")]
    [InlineData("+a")]
    [InlineData("a/+b")]
    [InlineData("++")]
    [InlineData("+#")]
    // [MQTT-4.7.3-1]: at least one character.
    [InlineData("")]
    public void Malformed_topic_filters_are_rejected_in_subscribe_and_unsubscribe(string filter)
    {
        foreach (var v in new[] { V3, V4, V5 })
        {
            AssertViolation(Subscribe(v, 1, null, (Str(filter), 0x00)), v, Malformed);
            AssertViolation(Unsubscribe(v, 1, null, Str(filter)), v, Malformed);
        }
    }

    [Theory]
    // [MQTT-4.8.2-1]: "$share/" then a ShareName of at least one character.
    [InlineData("$share/")]
    [InlineData("$share//a")]
    // [MQTT-4.8.2-2]: the ShareName has no '/', '+' or '#', is followed by '/', and that by a Topic Filter.
    [InlineData("$share/g")]
    [InlineData("$share/g/")]
    [InlineData("$share/+/a")]
    [InlineData("$share/#")]
    public void Malformed_shared_subscriptions_are_a_protocol_error_in_v5(string filter)
    {
        AssertViolation(Subscribe(V5, 1, null, (Str(filter), 0x00)), V5, Protocol);
        AssertViolation(Unsubscribe(V5, 1, null, Str(filter)), V5, Protocol);
    }

    [Theory]
    [InlineData("$share/g")]
    [InlineData("$share/g/")]
    public void Share_prefix_has_no_meaning_in_v311(string filter)
    {
        // Shared Subscriptions are new in MQTT 5.0; in 3.1.1 "$share/g" is an ordinary (valid) filter.
        var subscribe = Assert.IsType<SubscribePacket>(Read(Subscribe(V4, 1, null, (Str(filter), 0x01)), V4));
        Assert.Equal(filter, Assert.Single(subscribe.Filters).Filter);
    }

    [Fact]
    public void Valid_subscription_options_are_decoded()
    {
        var bytes = Subscribe(V5, 7, Props(Prop(MqttPropertyId.SubscriptionIdentifier, Vbi(300))),
            (Str("$share/group/s/+/t"), 0x2A), // QoS 2, Retain As Published, Retain Handling 2 (do not send)
            (Str("#"), 0x15));                 // QoS 1, No Local, Retain Handling 1
        var subscribe = Assert.IsType<SubscribePacket>(Read(bytes, V5));
        Assert.Equal(300u, Assert.Single(subscribe.Properties!.SubscriptionIdentifiers!));
        var shared = subscribe.Filters[0];
        Assert.Equal((MqttQualityOfService.ExactlyOnce, false, true, MqttRetainHandling.DoNotSend),
            (shared.MaximumQoS, shared.NoLocal, shared.RetainAsPublished, shared.RetainHandling));
        var all = subscribe.Filters[1];
        Assert.Equal((MqttQualityOfService.AtLeastOnce, true, false, MqttRetainHandling.SendAtSubscribeIfNew),
            (all.MaximumQoS, all.NoLocal, all.RetainAsPublished, all.RetainHandling));
    }

    // ---------------------------------------------------------------- CONNECT

    public static TheoryData<string, MqttProtocolVersion, byte[], MqttReasonCode> ConnectViolations()
    {
        var data = new TheoryData<string, MqttProtocolVersion, byte[], MqttReasonCode>();
        foreach (var v in new[] { V3, V4, V5 })
        {
            // [MQTT-3.1.2-3] (both): the reserved flag MUST be 0; 5.0: "it is a Malformed Packet".
            data.Add("reserved flag [MQTT-3.1.2-3]", v, Connect(v, flags: 0x03), Malformed);
            // [MQTT-3.1.2-12] (3.1.1: [MQTT-3.1.2-14]): Will QoS 3 is malformed.
            data.Add("Will QoS 3 [MQTT-3.1.2-12]", v, Connect(v, flags: 0x1E, willTopic: Str("w")), Malformed);
            // [MQTT-3.1.2-11] (3.1.1: [MQTT-3.1.2-13]): no will, Will QoS 0.
            data.Add("Will QoS without will [MQTT-3.1.2-11]", v, Connect(v, flags: 0x0A), Malformed);
            data.Add("Will QoS 3 without will [MQTT-3.1.2-11]", v, Connect(v, flags: 0x1A), Malformed);
            // [MQTT-3.1.2-13] (3.1.1: [MQTT-3.1.2-15]): no will, Will Retain 0.
            data.Add("Will Retain without will [MQTT-3.1.2-13]", v, Connect(v, flags: 0x22), Malformed);
            // [MQTT-3.3.2-2] / [MQTT-4.7.0-1]: the Will Topic is a topic name, without wildcards.
            data.Add("Will Topic with '#'", v, Connect(v, flags: 0x06, willTopic: Str("w/#")), Malformed);
            data.Add("Will Topic with '+'", v, Connect(v, flags: 0x06, willTopic: Str("+")), Malformed);
            // [MQTT-4.7.3-1]: topic names are at least one character.
            data.Add("empty Will Topic [MQTT-4.7.3-1]", v, Connect(v, flags: 0x06, willTopic: Str("")), Malformed);
            // [MQTT-3.1.3-3]: the Client Identifier MUST be present.
            data.Add("no Client Identifier [MQTT-3.1.3-3]", v, CutAfterKeepAlive(v), Malformed);
            // [MQTT-3.1.2-9]: with the Will Flag, the Will Topic and Will Payload MUST be present.
            data.Add("Will Flag without will fields [MQTT-3.1.2-9]", v, Connect(v, flags: 0x06), Malformed);
            // [MQTT-3.1.2-17] (3.1.1: [MQTT-3.1.2-19]): with the User Name Flag, a User Name MUST be present.
            data.Add("User Name Flag without a user name [MQTT-3.1.2-17]", v, Connect(v, flags: 0x82), Malformed);
            // [MQTT-3.1.2-19] (3.1.1: [MQTT-3.1.2-21]): with the Password Flag, a Password MUST be present.
            data.Add("Password Flag without a password [MQTT-3.1.2-19]", v, Connect(v, flags: 0xC2, userName: Str("u")), Malformed);
            // [MQTT-3.1.2-16] [MQTT-3.1.2-18] (3.1.1: [MQTT-3.1.2-18] [MQTT-3.1.2-20]): no flag, no field; extra bytes cannot be parsed.
            data.Add("user name without the flag [MQTT-3.1.2-16]", v, Connect(v, userName: Str("u")), Malformed);
            // [MQTT-3.1.2-2]: an unsupported Protocol Level: CONNACK 0x84 (3.1.1: return code 0x01), then close.
            data.Add("protocol level 6 [MQTT-3.1.2-2]", v, Connect(v, level: 6), MqttReasonCode.UnsupportedProtocolVersion);
            data.Add("protocol level 0 [MQTT-3.1.2-2]", v, Connect(v, level: 0), MqttReasonCode.UnsupportedProtocolVersion);
            data.Add("protocol level 255 [MQTT-3.1.2-2]", v, Connect(v, level: 255), MqttReasonCode.UnsupportedProtocolVersion);
            // [MQTT-3.1.2-1]: a wrong Protocol Name is not MQTT at all: close (5.0 MAY send 0x84 first).
            data.Add("protocol name 'MQTX' [MQTT-3.1.2-1]", v, Connect(v, protocolName: "MQTX"), Protocol);
            data.Add("protocol name 'mqtt' [MQTT-3.1.2-1]", v, Connect(v, protocolName: "mqtt"), Protocol);
            data.Add("empty protocol name [MQTT-3.1.2-1]", v, Connect(v, protocolName: ""), Protocol);
        }

        // [MQTT-3.1.2-2]: the name/level pairs are "MQIsdp" 3 and "MQTT" 4 / 5; the crossed pairs are unsupported levels.
        data.Add("'MQIsdp' level 4 [MQTT-3.1.2-2]", V4, Connect(V4, protocolName: "MQIsdp"), MqttReasonCode.UnsupportedProtocolVersion);
        data.Add("'MQTT' level 3 [MQTT-3.1.2-2]", V3, Connect(V3, protocolName: "MQTT"), MqttReasonCode.UnsupportedProtocolVersion);
        // 3.1.1 [MQTT-3.1.2-22]: "If the User Name Flag is set to 0, the Password Flag MUST be set to 0".
        data.Add("password without user name 3.1.1 [MQTT-3.1.2-22]", V4, Connect(V4, flags: 0x42, password: RawStr(1)), Malformed);
        data.Add("password without user name 3.1 [MQTT-3.1.2-22]", V3, Connect(V3, flags: 0x42, password: RawStr(1)), Malformed);
        return data;
    }

    private static byte[] CutAfterKeepAlive(MqttProtocolVersion v)
    {
        var name = Str(v == V3 ? "MQIsdp" : "MQTT");
        return v == V5
            ? Packet(0x10, name, B((byte)v, 0x02), U16(60), Props())
            : Packet(0x10, name, B((byte)v, 0x02), U16(60));
    }

    [Theory]
    [MemberData(nameof(ConnectViolations))]
    public void Connect_violations_are_rejected_with_the_exact_reason_code(string rule, MqttProtocolVersion version, byte[] bytes, MqttReasonCode expected)
    {
        Assert.NotEmpty(rule);
        // The reader learns the version from CONNECT itself, so any configured version must give the same answer.
        AssertViolation(bytes, version, expected);
        AssertViolation(bytes, version == V5 ? V4 : V5, expected);
    }

    [Fact]
    public void Password_without_user_name_is_allowed_in_v5()
    {
        // MQTT 5.0 section 3.1.2.9: "This version of the protocol allows the sending of a Password with no User Name".
        var connect = Assert.IsType<ConnectPacket>(Read(Connect(V5, flags: 0x42, password: RawStr(7, 8)), V4));
        Assert.Null(connect.UserName);
        Assert.Equal(new byte[] { 7, 8 }, connect.Password!.Value.ToArray());
    }

    [Fact]
    public void A_failing_v5_connect_still_sets_the_version_to_answer_in()
    {
        // Section 4.13: the CONNACK that reports the error is sent in the client's version, known once the level is read.
        var reader = new MqttPacketReader { ProtocolVersion = V4 };
        var buffer = new ReadOnlySequence<byte>(Connect(V5, flags: 0x03));
        Assert.Throws<MqttProtocolException>(() => reader.TryRead(ref buffer, out _));
        Assert.Equal(V5, reader.ProtocolVersion);
    }

    // ---------------------------------------------------------------- PUBLISH topic

    public static TheoryData<string, MqttProtocolVersion, byte[], MqttReasonCode> PublishTopicViolations => new()
    {
        // [MQTT-3.3.2-2] (3.1.1 also [MQTT-4.7.1-1], 5.0 [MQTT-4.7.0-1]): no wildcards in a Topic Name.
        { "'#' in topic [MQTT-3.3.2-2]", V4, Publish(V4, topic: Str("a/#")), Malformed },
        { "'+' in topic [MQTT-3.3.2-2]", V4, Publish(V4, topic: Str("a/+/c")), Malformed },
        { "'+' inside a level [MQTT-3.3.2-2]", V5, Publish(V5, topic: Str("a+b")), Malformed },
        { "'#' alone [MQTT-3.3.2-2]", V5, Publish(V5, topic: Str("#")), Malformed },
        // 3.1.1 [MQTT-4.7.3-1]: Topic Names are at least one character long.
        { "empty topic 3.1.1 [MQTT-4.7.3-1]", V4, Publish(V4, topic: Str("")), Malformed },
        { "empty topic 3.1 [MQTT-4.7.3-1]", V3, Publish(V3, topic: Str("")), Malformed },
        // 5.0 section 3.3.2.1: "It is a Protocol Error if the Topic Name is zero length and there is no Topic Alias."
        { "empty topic without Topic Alias (3.3.2.1)", V5, Publish(V5, topic: Str("")), Protocol },
        { "empty topic with only a User Property (3.3.2.1)", V5, Publish(V5, topic: Str(""), properties: Props(Prop(MqttPropertyId.UserProperty, Str("a"), Str("b")))), Protocol },
        // Topic length larger than the packet: cannot be parsed.
        { "topic longer than the packet", V4, Packet(0x30, B(0x00, 0x09, 0x61)), Malformed },
        { "topic length cut in half", V4, Packet(0x30, B(0x00)), Malformed },
        { "QoS 1 packet identifier cut in half", V4, Packet(0x32, Str("a"), B(0x01)), Malformed },
    };

    [Theory]
    [MemberData(nameof(PublishTopicViolations))]
    public void Publish_topic_violations_are_rejected_with_the_exact_reason_code(string rule, MqttProtocolVersion version, byte[] bytes, MqttReasonCode expected)
    {
        Assert.NotEmpty(rule);
        AssertViolation(bytes, version, expected);
    }

    [Fact]
    public void Empty_topic_with_topic_alias_is_accepted_in_v5()
    {
        // Section 3.3.2.3.4: a zero-length Topic Name with a Topic Alias uses the alias's mapping.
        var publish = Assert.IsType<PublishPacket>(Read(Publish(V5, topic: Str(""), properties: Props(Prop(MqttPropertyId.TopicAlias, U16(3)))), V5));
        Assert.Equal("", publish.Topic);
        Assert.Equal((ushort)3, publish.Properties!.TopicAlias);
    }

    // ---------------------------------------------------------------- reason codes

    public static TheoryData<string, MqttProtocolVersion, byte[], MqttReasonCode> ReasonCodeViolations => new()
    {
        // [MQTT-3.2.2-8]: CONNACK uses Table 3-1. 0x01 and 0x04 are not in it.
        { "CONNACK 0x01 [MQTT-3.2.2-8]", V5, Packet(0x20, B(0x00, 0x01), Props()), Protocol },
        { "CONNACK 0x04 [MQTT-3.2.2-8]", V5, Packet(0x20, B(0x00, 0x04), Props()), Protocol },
        { "CONNACK 0x8B [MQTT-3.2.2-8]", V5, Packet(0x20, B(0x00, 0x8B), Props()), Protocol },
        // [MQTT-3.4.2-1] PUBACK, [MQTT-3.5.2-1] PUBREC, [MQTT-3.6.2-1] PUBREL, [MQTT-3.7.2-1] PUBCOMP.
        { "PUBACK 0x92 [MQTT-3.4.2-1]", V5, B(0x40, 0x03, 0x00, 0x01, 0x92), Protocol },
        { "PUBACK 0x01 [MQTT-3.4.2-1]", V5, B(0x40, 0x03, 0x00, 0x01, 0x01), Protocol },
        { "PUBREC 0x04 [MQTT-3.5.2-1]", V5, B(0x50, 0x03, 0x00, 0x01, 0x04), Protocol },
        { "PUBREL 0x10 [MQTT-3.6.2-1]", V5, B(0x62, 0x03, 0x00, 0x01, 0x10), Protocol },
        { "PUBREL 0x80 [MQTT-3.6.2-1]", V5, B(0x62, 0x03, 0x00, 0x01, 0x80), Protocol },
        { "PUBCOMP 0x87 [MQTT-3.7.2-1]", V5, B(0x70, 0x03, 0x00, 0x01, 0x87), Protocol },
        // [MQTT-3.9.3-2]: SUBACK uses Table 3-10.
        { "SUBACK 0x03 [MQTT-3.9.3-2]", V5, B(0x90, 0x04, 0x00, 0x01, 0x00, 0x03), Protocol },
        { "SUBACK 0x11 [MQTT-3.9.3-2]", V5, B(0x90, 0x04, 0x00, 0x01, 0x00, 0x11), Protocol },
        // [MQTT-3.11.3-2]: UNSUBACK uses Table 3-11.
        { "UNSUBACK 0x02 [MQTT-3.11.3-2]", V5, B(0xB0, 0x04, 0x00, 0x01, 0x00, 0x02), Protocol },
        // [MQTT-3.14.2-1]: DISCONNECT uses Table 3-10 of section 3.14.2.1.
        { "DISCONNECT 0x01 [MQTT-3.14.2-1]", V5, B(0xE0, 0x01, 0x01), Protocol },
        { "DISCONNECT 0x84 [MQTT-3.14.2-1]", V5, B(0xE0, 0x01, 0x84), Protocol },
        // [MQTT-3.15.2-1]: AUTH uses 0x00, 0x18, 0x19 only.
        { "AUTH 0x01 [MQTT-3.15.2-1]", V5, B(0xF0, 0x01, 0x01), Protocol },
        { "AUTH 0x87 [MQTT-3.15.2-1]", V5, B(0xF0, 0x02, 0x87, 0x00), Protocol },
        // 3.1.1 section 3.2.2.3: return codes 6-255 are reserved.
        { "CONNACK return code 6 (3.1.1 section 3.2.2.3)", V4, B(0x20, 0x02, 0x00, 0x06), Malformed },
        // 3.1.1 [MQTT-3.9.3-2]: SUBACK return codes other than 0x00, 0x01, 0x02 and 0x80 are reserved.
        { "SUBACK 0x03 3.1.1 [MQTT-3.9.3-2]", V4, B(0x90, 0x03, 0x00, 0x01, 0x03), Malformed },
        { "SUBACK 0x81 3.1.1 [MQTT-3.9.3-2]", V4, B(0x90, 0x03, 0x00, 0x01, 0x81), Malformed },
        // [MQTT-3.2.2-1]: Connect Acknowledge Flags bits 7-1 are reserved (3.1.1 section 3.2.2.1).
        { "CONNACK flag bit 1 [MQTT-3.2.2-1]", V5, Packet(0x20, B(0x02, 0x00), Props()), Malformed },
        { "CONNACK flag bit 7 3.1.1 (section 3.2.2.1)", V4, B(0x20, 0x02, 0x80, 0x00), Malformed },
        // An acknowledgement without any reason code has nothing to acknowledge (3.9.3, 3.11.3).
        { "SUBACK without reason codes (3.9.3)", V5, B(0x90, 0x03, 0x00, 0x01, 0x00), Protocol },
        { "UNSUBACK without reason codes (3.11.3)", V5, B(0xB0, 0x03, 0x00, 0x01, 0x00), Protocol },
    };

    [Theory]
    [MemberData(nameof(ReasonCodeViolations))]
    public void Reason_codes_outside_the_packets_table_are_rejected(string rule, MqttProtocolVersion version, byte[] bytes, MqttReasonCode expected)
    {
        Assert.NotEmpty(rule);
        AssertViolation(bytes, version, expected);
    }

    [Theory]
    // Section 3.4.2.1: Remaining Length 2 means Success and no properties; 3 means a Reason Code and no properties.
    [InlineData(new byte[] { 0x40, 0x02, 0x00, 0x05 }, MqttReasonCode.Success)]
    [InlineData(new byte[] { 0x40, 0x03, 0x00, 0x05, 0x10 }, MqttReasonCode.NoMatchingSubscribers)]
    [InlineData(new byte[] { 0x40, 0x04, 0x00, 0x05, 0x97, 0x00 }, MqttReasonCode.QuotaExceeded)]
    [InlineData(new byte[] { 0x62, 0x03, 0x00, 0x05, 0x92 }, MqttReasonCode.PacketIdentifierNotFound)]
    public void Short_acknowledgements_default_their_reason_code(byte[] bytes, MqttReasonCode expected)
    {
        var ack = Assert.IsAssignableFrom<MqttAckPacket>(Read(bytes, V5));
        Assert.Equal((ushort)5, ack.PacketId);
        Assert.Equal(expected, ack.ReasonCode);
    }

    [Fact]
    public void Disconnect_and_auth_with_no_body_mean_success_in_v5()
    {
        // Section 3.14.2.1: Remaining Length 0 is 0x00 Normal disconnection; 3.15.2.1: AUTH with 0 is Success.
        Assert.Equal(MqttReasonCode.Success, Assert.IsType<DisconnectPacket>(Read(B(0xE0, 0x00), V5)).ReasonCode);
        Assert.Equal(MqttReasonCode.Success, Assert.IsType<AuthPacket>(Read(B(0xF0, 0x00), V5)).ReasonCode);
        Assert.Equal(MqttReasonCode.DisconnectWithWillMessage, Assert.IsType<DisconnectPacket>(Read(B(0xE0, 0x01, 0x04), V5)).ReasonCode);
    }

    // ---------------------------------------------------------------- trailing bytes

    public static TheoryData<string, MqttProtocolVersion, byte[]> TrailingBytes => new()
    {
        // Each packet's layout fixes its length; bytes beyond it cannot be parsed (sections 3.12.2, 3.13.2, ...).
        { "PINGREQ with a body (3.12)", V4, B(0xC0, 0x01, 0x00) },
        { "PINGRESP with a body (3.13)", V5, B(0xD0, 0x01, 0x00) },
        { "3.1.1 DISCONNECT with a body (3.1.1 section 3.14)", V4, B(0xE0, 0x01, 0x00) },
        { "3.1.1 PUBACK with a reason code (3.1.1 section 3.4)", V4, B(0x40, 0x03, 0x00, 0x01, 0x00) },
        { "3.1.1 UNSUBACK with a reason code (3.1.1 section 3.11)", V4, B(0xB0, 0x03, 0x00, 0x01, 0x00) },
        { "3.1.1 CONNACK with three bytes (3.1.1 section 3.2)", V4, B(0x20, 0x03, 0x00, 0x00, 0x00) },
        { "CONNACK after its properties (3.2)", V5, Packet(0x20, B(0x00, 0x00), Props(), B(0x00)) },
        { "PUBACK after its properties (3.4)", V5, Packet(0x40, U16(1), B(0x00), Props(), B(0x00)) },
        { "DISCONNECT after its properties (3.14)", V5, Packet(0xE0, B(0x00), Props(), B(0x00)) },
        { "AUTH after its properties (3.15)", V5, Packet(0xF0, B(0x18), Props(), B(0x00)) },
        { "CONNECT after the password (3.1.3)", V5, Connect(V5, flags: 0xC2, userName: Str("u"), password: RawStr(1), trailing: B(0x00)) },
        { "SUBSCRIBE filter without options (3.8.3)", V4, Packet(0x82, U16(1), Str("a"), B(0x00), Str("b")) },
    };

    [Theory]
    [MemberData(nameof(TrailingBytes))]
    public void Trailing_bytes_after_a_packet_are_malformed(string packet, MqttProtocolVersion version, byte[] bytes)
    {
        Assert.NotEmpty(packet);
        AssertViolation(bytes, version, Malformed);
    }
}
