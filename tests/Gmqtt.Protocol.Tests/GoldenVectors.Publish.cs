using Gmqtt.Protocol.Packets;

namespace Gmqtt.Protocol.Tests;

/// <summary>PUBLISH and its acknowledgments PUBACK, PUBREC, PUBREL, PUBCOMP.</summary>
internal static partial class GoldenVectors
{
    private static IEnumerable<GoldenVector> PublishFamily()
    {
        // ---------------------------------------------------------------- PUBLISH, MQTT 3.x

        // MQTT 3.1.1 section 3.3.2.3 variable header example: Topic Name "a/b", Packet Identifier 10.
        yield return Vector("PUBLISH 3.1 QoS 1 a/b packet id 10", V310,
            Hex(
                "32",                      // PUBLISH (3 << 4) | DUP 0, QoS 01, RETAIN 0
                "09",                      // Remaining Length 9
                "00 03 61 2F 62",          // Topic Name "a/b"
                "00 0A",                   // Packet Identifier 10
                "68 69"),                  // Payload "hi"
            () => new PublishPacket { Topic = "a/b", QoS = MqttQualityOfService.AtLeastOnce, PacketId = 10, Payload = Utf8("hi") });

        // QoS 0 has no Packet Identifier [MQTT-2.3.1-5]; a zero-length payload is allowed (section 3.3.3).
        yield return Vector("PUBLISH 3.1.1 QoS 0 retained with empty payload", V311,
            Hex(
                "31",                      // PUBLISH | DUP 0, QoS 00, RETAIN 1
                "05",                      // Remaining Length 5
                "00 03 61 2F 62"),         // Topic Name "a/b"; no Packet Identifier, no payload
            () => new PublishPacket { Topic = "a/b", Retain = true, Payload = ReadOnlyMemory<byte>.Empty });

        yield return Vector("PUBLISH 3.1.1 QoS 2 DUP a/b packet id 10", V311,
            Hex(
                "3C",                      // PUBLISH | DUP 1, QoS 10, RETAIN 0
                "0A",                      // Remaining Length 10
                "00 03 61 2F 62",          // Topic Name "a/b"
                "00 0A",                   // Packet Identifier 10
                "01 02 03"),               // Payload
            () => new PublishPacket { Topic = "a/b", QoS = MqttQualityOfService.ExactlyOnce, Dup = true, PacketId = 10, Payload = new byte[] { 1, 2, 3 } });

        // Strings are UTF-8 with a byte-count prefix (section 1.5.3): "ä" is C3 A4, "€" is E2 82 AC.
        yield return Vector("PUBLISH 3.1.1 QoS 1 multi-byte UTF-8 topic and packet id 65535", V311,
            Hex(
                "32",                      // PUBLISH | QoS 01
                "0B",                      // Remaining Length 11
                "00 06 C3 A4 2F E2 82 AC", // Topic Name "ä/€", 6 bytes
                "FF FF",                   // Packet Identifier 65535
                "00"),                     // Payload: one zero byte
            () => new PublishPacket { Topic = "ä/€", QoS = MqttQualityOfService.AtLeastOnce, PacketId = 65535, Payload = new byte[] { 0 } });

        // ---------------------------------------------------------------- PUBLISH, MQTT 5.0

        // MQTT 5.0 section 3.3.2.3 variable header example: "a/b", Packet Identifier 10, Property Length 0.
        yield return Vector("PUBLISH 5.0 QoS 1 a/b packet id 10 without properties", V500,
            Hex(
                "32",                      // PUBLISH | QoS 01
                "0A",                      // Remaining Length 10
                "00 03 61 2F 62",          // Topic Name "a/b"
                "00 0A",                   // Packet Identifier 10
                "00",                      // Property Length 0
                "68 69"),                  // Payload "hi"
            () => new PublishPacket { Topic = "a/b", QoS = MqttQualityOfService.AtLeastOnce, PacketId = 10, Payload = Utf8("hi") });

        // Several Subscription Identifiers when the message matched several subscriptions (section 3.3.2.3.8),
        // here as 1, 2 and 4 byte Variable Byte Integers; User Properties forwarded unaltered and in order
        // [MQTT-3.3.2-17] [MQTT-3.3.2-18].
        yield return Vector("PUBLISH 5.0 QoS 2 retained with every PUBLISH property", V500,
            Hex(
                "35",                      // PUBLISH | DUP 0, QoS 10, RETAIN 1
                "41",                      // Remaining Length 65 = 5 + 2 + 1 + 55 + 2
                "00 03 61 2F 62",          // Topic Name "a/b"
                "12 34",                   // Packet Identifier 0x1234
                "37",                      // Property Length 55
                "01 01",                   //   Payload Format Indicator = 1
                "02 00 00 01 2C",          //   Message Expiry Interval = 300
                "03 00 04 74 65 78 74",    //   Content Type "text"
                "08 00 05 72 65 70 6C 79", //   Response Topic "reply"
                "09 00 03 01 02 03",       //   Correlation Data 01 02 03
                "0B 01",                   //   Subscription Identifier = 1 (one byte)
                "0B 80 01",                //   Subscription Identifier = 128 (two bytes)
                "0B FF FF FF 7F",          //   Subscription Identifier = 268,435,455 (four bytes, the largest)
                "23 00 07",                //   Topic Alias = 7
                "26 00 01 6B 00 01 76",    //   User Property "k" = "v"
                "26 00 01 6B 00 01 77",    //   User Property "k" = "w" (same name again)
                "68 69"),                  // Payload "hi"
            () => new PublishPacket
            {
                Topic = "a/b",
                QoS = MqttQualityOfService.ExactlyOnce,
                Retain = true,
                PacketId = 0x1234,
                Payload = Utf8("hi"),
                Properties = new MqttProperties
                {
                    PayloadFormatIndicator = 1,
                    MessageExpiryInterval = 300,
                    ContentType = "text",
                    ResponseTopic = "reply",
                    CorrelationData = new byte[] { 1, 2, 3 },
                    SubscriptionIdentifiers = [1, 128, 268_435_455],
                    TopicAlias = 7,
                }.AddUserProperty("k", "v").AddUserProperty("k", "w"),
            });

        // A zero-length Topic Name stands for the topic mapped to the Topic Alias (section 3.3.2.3.4).
        yield return Vector("PUBLISH 5.0 QoS 0 empty topic with topic alias", V500,
            Hex(
                "30",                      // PUBLISH | QoS 00
                "07",                      // Remaining Length 7
                "00 00",                   // Topic Name "" (zero length)
                "03",                      // Property Length 3
                "23 00 07",                //   Topic Alias = 7
                "78"),                     // Payload "x"
            () => new PublishPacket { Topic = "", Payload = Utf8("x"), Properties = new MqttProperties { TopicAlias = 7 } });

        // ---------------------------------------------------------------- PUBACK, PUBREC, PUBREL, PUBCOMP, MQTT 3.x

        // PUBREL has fixed header flags 0010 [MQTT-3.6.1-1]; the others 0000.
        foreach (var version in new[] { V310, V311 })
        {
            var v = version == V310 ? "3.1" : "3.1.1";
            yield return Vector($"PUBACK {v}", version,
                Hex("40 02", "00 0A"),     // PUBACK (4 << 4); Remaining Length 2; Packet Identifier 10
                () => new PubAckPacket { PacketId = 10 });
            yield return Vector($"PUBREC {v}", version,
                Hex("50 02", "00 0A"),     // PUBREC (5 << 4); Remaining Length 2; Packet Identifier 10
                () => new PubRecPacket { PacketId = 10 });
            yield return Vector($"PUBREL {v}", version,
                Hex("62 02", "00 0A"),     // PUBREL (6 << 4) | 0010; Remaining Length 2; Packet Identifier 10
                () => new PubRelPacket { PacketId = 10 });
            yield return Vector($"PUBCOMP {v}", version,
                Hex("70 02", "00 0A"),     // PUBCOMP (7 << 4); Remaining Length 2; Packet Identifier 10
                () => new PubCompPacket { PacketId = 10 });
        }

        // ---------------------------------------------------------------- PUBACK, PUBREC, PUBREL, PUBCOMP, MQTT 5.0

        // Remaining Length 2: "The Reason Code and Property Length can be omitted if the Reason Code is 0x00
        // (Success) and there are no Properties" (sections 3.4.2.1, 3.5.2.1, 3.6.2.1, 3.7.2.1).
        yield return Vector("PUBACK 5.0 remaining length 2 means success", V500,
            Hex("40 02", "00 0A"),         // PUBACK; RL 2; Packet Identifier 10; reason code omitted = Success
            () => new PubAckPacket { PacketId = 10, ReasonCode = MqttReasonCode.Success });
        yield return Vector("PUBREC 5.0 remaining length 2 means success", V500,
            Hex("50 02", "00 0A"),
            () => new PubRecPacket { PacketId = 10, ReasonCode = MqttReasonCode.Success });
        yield return Vector("PUBREL 5.0 remaining length 2 means success", V500,
            Hex("62 02", "00 0A"),
            () => new PubRelPacket { PacketId = 10, ReasonCode = MqttReasonCode.Success });
        yield return Vector("PUBCOMP 5.0 remaining length 2 means success", V500,
            Hex("70 02", "00 0A"),
            () => new PubCompPacket { PacketId = 10, ReasonCode = MqttReasonCode.Success });

        // Remaining Length 3: "If the Remaining Length is less than 4 there is no Property Length and the value of
        // 0 is used" (section 3.4.2.2.1 and its siblings).
        yield return Vector("PUBACK 5.0 remaining length 3 no matching subscribers", V500,
            Hex(
                "40 03",                   // PUBACK; Remaining Length 3
                "00 0A",                   // Packet Identifier 10
                "10"),                     // Reason Code 0x10 No matching subscribers; no Property Length
            () => new PubAckPacket { PacketId = 10, ReasonCode = MqttReasonCode.NoMatchingSubscribers });
        yield return Vector("PUBREC 5.0 remaining length 3 unspecified error", V500,
            Hex("50 03", "00 0A", "80"),   // PUBREC; RL 3; Packet Identifier 10; Reason Code 0x80
            () => new PubRecPacket { PacketId = 10, ReasonCode = MqttReasonCode.UnspecifiedError });
        yield return Vector("PUBREL 5.0 remaining length 3 packet identifier not found", V500,
            Hex("62 03", "00 0A", "92"),   // PUBREL; RL 3; Packet Identifier 10; Reason Code 0x92
            () => new PubRelPacket { PacketId = 10, ReasonCode = MqttReasonCode.PacketIdentifierNotFound });
        yield return Vector("PUBCOMP 5.0 remaining length 3 packet identifier not found", V500,
            Hex("70 03", "00 0A", "92"),   // PUBCOMP; RL 3; Packet Identifier 10; Reason Code 0x92
            () => new PubCompPacket { PacketId = 10, ReasonCode = MqttReasonCode.PacketIdentifierNotFound });

        // With properties the Reason Code is written even when it is Success.
        yield return Vector("PUBACK 5.0 quota exceeded with reason string and user property", V500,
            Hex(
                "40 13",                   // PUBACK; Remaining Length 19
                "00 0A",                   // Packet Identifier 10
                "97",                      // Reason Code 0x97 Quota exceeded
                "0F",                      // Property Length 15
                "1F 00 05 71 75 6F 74 61", //   Reason String "quota"
                "26 00 01 6B 00 01 76"),   //   User Property "k" = "v"
            () => new PubAckPacket
            {
                PacketId = 10,
                ReasonCode = MqttReasonCode.QuotaExceeded,
                Properties = new MqttProperties { ReasonString = "quota" }.AddUserProperty("k", "v"),
            });
        yield return Vector("PUBREC 5.0 success with reason string", V500,
            Hex(
                "50 09",                   // PUBREC; Remaining Length 9
                "00 0A",                   // Packet Identifier 10
                "00",                      // Reason Code Success, present because properties follow
                "05",                      // Property Length 5
                "1F 00 02 6F 6B"),         //   Reason String "ok"
            () => new PubRecPacket { PacketId = 10, Properties = new MqttProperties { ReasonString = "ok" } });
        yield return Vector("PUBREL 5.0 success with user property", V500,
            Hex(
                "62 0B",                   // PUBREL | 0010; Remaining Length 11
                "00 0A",                   // Packet Identifier 10
                "00",                      // Reason Code Success
                "07",                      // Property Length 7
                "26 00 01 6B 00 01 76"),   //   User Property "k" = "v"
            () => new PubRelPacket { PacketId = 10, Properties = new MqttProperties().AddUserProperty("k", "v") });
        yield return Vector("PUBCOMP 5.0 packet identifier not found with reason string", V500,
            Hex(
                "70 09",                   // PUBCOMP; Remaining Length 9
                "00 0A",                   // Packet Identifier 10
                "92",                      // Reason Code 0x92 Packet Identifier not found
                "05",                      // Property Length 5
                "1F 00 02 6E 6F"),         //   Reason String "no"
            () => new PubCompPacket
            {
                PacketId = 10,
                ReasonCode = MqttReasonCode.PacketIdentifierNotFound,
                Properties = new MqttProperties { ReasonString = "no" },
            });

        // Remaining Length 4 with Property Length 0 is valid, just not the shortest form the writer emits.
        yield return ReadOnlyVector("PUBACK 5.0 remaining length 4 with empty property list", V500,
            Hex("40 04", "00 0A", "00", "00"), // PUBACK; RL 4; Packet Identifier 10; Success; Property Length 0
            () => new PubAckPacket { PacketId = 10, ReasonCode = MqttReasonCode.Success });
        yield return ReadOnlyVector("PUBREL 5.0 remaining length 4 with empty property list", V500,
            Hex("62 04", "00 0A", "92", "00"), // PUBREL; RL 4; Packet Identifier 10; 0x92; Property Length 0
            () => new PubRelPacket { PacketId = 10, ReasonCode = MqttReasonCode.PacketIdentifierNotFound });
    }
}
