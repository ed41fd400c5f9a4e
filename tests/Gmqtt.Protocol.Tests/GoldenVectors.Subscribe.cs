using Gmqtt.Protocol.Packets;

namespace Gmqtt.Protocol.Tests;

/// <summary>SUBSCRIBE, SUBACK, UNSUBSCRIBE and UNSUBACK.</summary>
internal static partial class GoldenVectors
{
    private static IEnumerable<GoldenVector> SubscribeFamily()
    {
        // ---------------------------------------------------------------- SUBSCRIBE

        // MQTT 3.1.1 section 3.8.2 and 3.8.3 examples: Packet Identifier 10; "a/b" QoS 1, "c/d" QoS 2.
        // SUBSCRIBE has fixed header flags 0010 [MQTT-3.8.1-1].
        foreach (var version in new[] { V310, V311 })
        {
            yield return Vector($"SUBSCRIBE {(version == V310 ? "3.1" : "3.1.1")} a/b QoS 1 and c/d QoS 2", version,
                Hex(
                    "82",                  // SUBSCRIBE (8 << 4) | 0010
                    "0E",                  // Remaining Length 14
                    "00 0A",               // Packet Identifier 10
                    "00 03 61 2F 62",      // Topic Filter "a/b"
                    "01",                  //   Requested QoS 1
                    "00 03 63 2F 64",      // Topic Filter "c/d"
                    "02"),                 //   Requested QoS 2
                () => new SubscribePacket
                {
                    PacketId = 10,
                    Filters =
                    [
                        new MqttTopicFilter { Filter = "a/b", MaximumQoS = MqttQualityOfService.AtLeastOnce },
                        new MqttTopicFilter { Filter = "c/d", MaximumQoS = MqttQualityOfService.ExactlyOnce },
                    ],
                });
        }

        // MQTT 5.0 section 3.8.2 and 3.8.3 examples: Packet Identifier 10, Property Length 0; "a/b" options 1, "c/d" options 2.
        yield return Vector("SUBSCRIBE 5.0 a/b QoS 1 and c/d QoS 2 without properties", V500,
            Hex(
                "82",                      // SUBSCRIBE | 0010
                "0F",                      // Remaining Length 15
                "00 0A",                   // Packet Identifier 10
                "00",                      // Property Length 0
                "00 03 61 2F 62",          // Topic Filter "a/b"
                "01",                      //   Subscription Options: QoS 1
                "00 03 63 2F 64",          // Topic Filter "c/d"
                "02"),                     //   Subscription Options: QoS 2
            () => new SubscribePacket
            {
                PacketId = 10,
                Filters =
                [
                    new MqttTopicFilter { Filter = "a/b", MaximumQoS = MqttQualityOfService.AtLeastOnce },
                    new MqttTopicFilter { Filter = "c/d", MaximumQoS = MqttQualityOfService.ExactlyOnce },
                ],
            });

        // Subscription Options (section 3.8.3.1): bits 1-0 Maximum QoS, bit 2 No Local, bit 3 Retain As Published,
        // bits 5-4 Retain Handling, bits 7-6 reserved 0 [MQTT-3.8.3-5]. Each option is set on its own filter so that
        // a reader or writer that confuses two bits fails.
        yield return Vector("SUBSCRIBE 5.0 subscription options, three byte subscription identifier, shared filter", V500,
            Hex(
                "82",                      // SUBSCRIBE | 0010
                "27",                      // Remaining Length 39
                "00 0A",                   // Packet Identifier 10
                "0B",                      // Property Length 11
                "0B 80 80 01",             //   Subscription Identifier = 16384 (three byte Variable Byte Integer)
                "26 00 01 6B 00 01 76",    //   User Property "k" = "v"
                "00 03 61 2F 62",          // Topic Filter "a/b"
                "25",                      //   0010 0101: Retain Handling 2, No Local, QoS 1
                "00 03 63 2F 64",          // Topic Filter "c/d"
                "1A",                      //   0001 1010: Retain Handling 1, Retain As Published, QoS 2
                "00 0A 24 73 68 61 72 65 2F 67 2F 78", // Topic Filter "$share/g/x"
                "00"),                     //   QoS 0, everything else off (No Local is forbidden on shared filters [MQTT-3.8.3-4])
            () => new SubscribePacket
            {
                PacketId = 10,
                Properties = new MqttProperties { SubscriptionIdentifiers = [16384] }.AddUserProperty("k", "v"),
                Filters =
                [
                    new MqttTopicFilter
                    {
                        Filter = "a/b",
                        MaximumQoS = MqttQualityOfService.AtLeastOnce,
                        NoLocal = true,
                        RetainHandling = MqttRetainHandling.DoNotSend,
                    },
                    new MqttTopicFilter
                    {
                        Filter = "c/d",
                        MaximumQoS = MqttQualityOfService.ExactlyOnce,
                        RetainAsPublished = true,
                        RetainHandling = MqttRetainHandling.SendAtSubscribeIfNew,
                    },
                    new MqttTopicFilter { Filter = "$share/g/x" },
                ],
            });

        // ---------------------------------------------------------------- SUBACK

        // MQTT 3.1 knows only granted QoS 0, 1, 2 (no failure code).
        yield return Vector("SUBACK 3.1 granted QoS 1 and 2", V310,
            Hex(
                "90 04",                   // SUBACK (9 << 4); Remaining Length 4
                "00 0A",                   // Packet Identifier 10
                "01",                      // Granted QoS 1
                "02"),                     // Granted QoS 2
            () => new SubAckPacket { PacketId = 10, ReasonCodes = [MqttReasonCode.GrantedQoS1, MqttReasonCode.GrantedQoS2] });

        // MQTT 3.1.1 section 3.9.3 payload example: Success QoS 0, Success QoS 2, Failure 0x80; return codes in
        // the order of the filters [MQTT-3.9.3-1]; only 0x00, 0x01, 0x02, 0x80 exist [MQTT-3.9.3-2].
        yield return Vector("SUBACK 3.1.1 QoS 0, QoS 2 and failure 0x80", V311,
            Hex(
                "90 05",                   // SUBACK; Remaining Length 5
                "00 0A",                   // Packet Identifier 10
                "00",                      // Success, Maximum QoS 0
                "02",                      // Success, Maximum QoS 2
                "80"),                     // Failure
            () => new SubAckPacket
            {
                PacketId = 10,
                ReasonCodes = [MqttReasonCode.Success, MqttReasonCode.GrantedQoS2, MqttReasonCode.UnspecifiedError],
            });

        yield return Vector("SUBACK 5.0 granted QoS 1 without properties", V500,
            Hex(
                "90 04",                   // SUBACK; Remaining Length 4
                "00 0A",                   // Packet Identifier 10
                "00",                      // Property Length 0
                "01"),                     // Reason Code 0x01 Granted QoS 1
            () => new SubAckPacket { PacketId = 10, ReasonCodes = [MqttReasonCode.GrantedQoS1] });

        yield return Vector("SUBACK 5.0 mixed reason codes with properties", V500,
            Hex(
                "90 15",                   // SUBACK; Remaining Length 21
                "00 0A",                   // Packet Identifier 10
                "0C",                      // Property Length 12
                "1F 00 02 6F 6B",          //   Reason String "ok"
                "26 00 01 6B 00 01 76",    //   User Property "k" = "v"
                "00 01 02",                // Granted QoS 0, 1, 2
                "8F",                      // Topic Filter invalid
                "9E",                      // Shared Subscriptions not supported
                "A2"),                     // Wildcard Subscriptions not supported
            () => new SubAckPacket
            {
                PacketId = 10,
                Properties = new MqttProperties { ReasonString = "ok" }.AddUserProperty("k", "v"),
                ReasonCodes =
                [
                    MqttReasonCode.Success, MqttReasonCode.GrantedQoS1, MqttReasonCode.GrantedQoS2,
                    MqttReasonCode.TopicFilterInvalid, MqttReasonCode.SharedSubscriptionsNotSupported, MqttReasonCode.WildcardSubscriptionsNotSupported,
                ],
            });

        // ---------------------------------------------------------------- UNSUBSCRIBE

        // MQTT 3.1.1 section 3.10.3 payload example: "a/b", "c/d". Fixed header flags 0010 [MQTT-3.10.1-1].
        foreach (var version in new[] { V310, V311 })
        {
            yield return Vector($"UNSUBSCRIBE {(version == V310 ? "3.1" : "3.1.1")} a/b and c/d", version,
                Hex(
                    "A2",                  // UNSUBSCRIBE (10 << 4) | 0010
                    "0C",                  // Remaining Length 12
                    "00 0A",               // Packet Identifier 10
                    "00 03 61 2F 62",      // Topic Filter "a/b"
                    "00 03 63 2F 64"),     // Topic Filter "c/d"
                () => new UnsubscribePacket { PacketId = 10, Filters = ["a/b", "c/d"] });
        }

        // MQTT 5.0 sections 3.10.2 and 3.10.3 examples: Packet Identifier 10, Property Length 0, "a/b", "c/d".
        yield return Vector("UNSUBSCRIBE 5.0 a/b and c/d without properties", V500,
            Hex(
                "A2 0D",                   // UNSUBSCRIBE | 0010; Remaining Length 13
                "00 0A",                   // Packet Identifier 10
                "00",                      // Property Length 0
                "00 03 61 2F 62",          // Topic Filter "a/b"
                "00 03 63 2F 64"),         // Topic Filter "c/d"
            () => new UnsubscribePacket { PacketId = 10, Filters = ["a/b", "c/d"] });

        yield return Vector("UNSUBSCRIBE 5.0 wildcard filters with user property", V500,
            Hex(
                "A2 14",                   // UNSUBSCRIBE | 0010; Remaining Length 20
                "00 0A",                   // Packet Identifier 10
                "07",                      // Property Length 7
                "26 00 01 6B 00 01 76",    //   User Property "k" = "v"
                "00 03 61 2F 23",          // Topic Filter "a/#"
                "00 03 2B 2F 62"),         // Topic Filter "+/b"
            () => new UnsubscribePacket
            {
                PacketId = 10,
                Properties = new MqttProperties().AddUserProperty("k", "v"),
                Filters = ["a/#", "+/b"],
            });

        // ---------------------------------------------------------------- UNSUBACK

        // MQTT 3.x UNSUBACK is the Packet Identifier alone.
        yield return Vector("UNSUBACK 3.1", V310,
            Hex("B0 02", "00 0A"),         // UNSUBACK (11 << 4); Remaining Length 2; Packet Identifier 10
            () => new UnsubAckPacket { PacketId = 10 });
        yield return Vector("UNSUBACK 3.1.1", V311,
            Hex("B0 02", "00 0A"),
            () => new UnsubAckPacket { PacketId = 10 });

        // MQTT 5.0: one Reason Code per filter, in order [MQTT-3.11.3-1]; no short form.
        yield return Vector("UNSUBACK 5.0 success and no subscription existed", V500,
            Hex(
                "B0 05",                   // UNSUBACK; Remaining Length 5
                "00 0A",                   // Packet Identifier 10
                "00",                      // Property Length 0
                "00",                      // Success
                "11"),                     // No subscription existed
            () => new UnsubAckPacket { PacketId = 10, ReasonCodes = [MqttReasonCode.Success, MqttReasonCode.NoSubscriptionExisted] });

        yield return Vector("UNSUBACK 5.0 with reason string", V500,
            Hex(
                "B0 0A",                   // UNSUBACK; Remaining Length 10
                "00 0A",                   // Packet Identifier 10
                "05",                      // Property Length 5
                "1F 00 02 6F 6B",          //   Reason String "ok"
                "00",                      // Success
                "87"),                     // Not authorized
            () => new UnsubAckPacket
            {
                PacketId = 10,
                Properties = new MqttProperties { ReasonString = "ok" },
                ReasonCodes = [MqttReasonCode.Success, MqttReasonCode.NotAuthorized],
            });
    }
}
