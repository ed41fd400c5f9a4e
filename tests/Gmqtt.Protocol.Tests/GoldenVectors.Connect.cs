using Gmqtt.Protocol.Packets;

namespace Gmqtt.Protocol.Tests;

/// <summary>CONNECT and CONNACK.</summary>
internal static partial class GoldenVectors
{
    private static IEnumerable<GoldenVector> ConnectFamily()
    {
        // ---------------------------------------------------------------- CONNECT, MQTT 3.1 ("MQIsdp", level 3)

        // The MQTT 3.1 specification's CONNECT example: flags 0xCE, Keep Alive 10.
        yield return Vector("CONNECT 3.1 MQIsdp with will QoS 1, user name and password", V310,
            Hex(
                "10",                      // CONNECT (1 << 4), reserved flags 0000
                "26",                      // Remaining Length 38 = 12 variable header + 26 payload
                "00 06 4D 51 49 73 64 70", // Protocol Name "MQIsdp"
                "03",                      // Protocol Version 3
                "CE",                      // Connect Flags 1100 1110: user name, password, will retain 0, will QoS 01, will, clean session, reserved 0
                "00 0A",                   // Keep Alive 10 s
                "00 03 63 69 64",          // Client Identifier "cid"
                "00 03 77 2F 74",          // Will Topic "w/t"
                "00 02 68 69",             // Will Message "hi"
                "00 04 75 73 65 72",       // User Name "user"
                "00 04 70 61 73 73"),      // Password "pass"
            () => new ConnectPacket
            {
                ProtocolVersion = V310,
                ClientId = "cid",
                CleanSession = true,
                KeepAlive = 10,
                Will = new MqttWill { Topic = "w/t", Payload = Utf8("hi"), QoS = MqttQualityOfService.AtLeastOnce, Retain = false },
                UserName = "user",
                Password = Utf8("pass"),
            });

        yield return Vector("CONNECT 3.1 MQIsdp clean session only", V310,
            Hex(
                "10 10",                   // CONNECT; Remaining Length 16
                "00 06 4D 51 49 73 64 70", // Protocol Name "MQIsdp"
                "03",                      // Protocol Version 3
                "02",                      // Connect Flags: clean session only
                "00 3C",                   // Keep Alive 60 s
                "00 02 63 31"),            // Client Identifier "c1" (3.1 requires 1 to 23 characters)
            () => new ConnectPacket { ProtocolVersion = V310, ClientId = "c1", CleanSession = true, KeepAlive = 60 });

        // ---------------------------------------------------------------- CONNECT, MQTT 3.1.1 ("MQTT", level 4)

        // MQTT 3.1.1 section 3.1.2.10, figure 3.6 "Variable header non normative example":
        // protocol name "MQTT", level 4, flags 1100 1110, Keep Alive 10.
        // Payload fields in the order Client Identifier, Will Topic, Will Message, User Name, Password [MQTT-3.1.3-1].
        yield return Vector("CONNECT 3.1.1 figure 3.6 with will QoS 1, user name and password", V311,
            Hex(
                "10 24",                   // CONNECT; Remaining Length 36 = 10 + 26
                "00 04 4D 51 54 54",       // Protocol Name "MQTT"
                "04",                      // Protocol Level 4
                "CE",                      // Connect Flags 1100 1110
                "00 0A",                   // Keep Alive 10 s
                "00 03 63 69 64",          // Client Identifier "cid"
                "00 03 77 2F 74",          // Will Topic "w/t"
                "00 02 68 69",             // Will Message "hi"
                "00 04 75 73 65 72",       // User Name "user"
                "00 04 70 61 73 73"),      // Password "pass"
            () => new ConnectPacket
            {
                ProtocolVersion = V311,
                ClientId = "cid",
                CleanSession = true,
                KeepAlive = 10,
                Will = new MqttWill { Topic = "w/t", Payload = Utf8("hi"), QoS = MqttQualityOfService.AtLeastOnce },
                UserName = "user",
                Password = Utf8("pass"),
            });

        // A zero-byte Client Identifier comes with Clean Session 1 [MQTT-3.1.3-7].
        yield return Vector("CONNECT 3.1.1 empty client identifier", V311,
            Hex(
                "10 0C",                   // CONNECT; Remaining Length 12
                "00 04 4D 51 54 54",       // Protocol Name "MQTT"
                "04",                      // Protocol Level 4
                "02",                      // Connect Flags: clean session only
                "00 3C",                   // Keep Alive 60 s
                "00 00"),                  // Client Identifier "" (zero length)
            () => new ConnectPacket { ProtocolVersion = V311, ClientId = "", CleanSession = true, KeepAlive = 60 });

        // Will QoS occupies bits 4-3 and Will Retain bit 5; a user name may come without a password.
        yield return Vector("CONNECT 3.1.1 retained will QoS 2, user name without password, persistent session", V311,
            Hex(
                "10 17",                   // CONNECT; Remaining Length 23
                "00 04 4D 51 54 54",       // Protocol Name "MQTT"
                "04",                      // Protocol Level 4
                "B4",                      // Connect Flags 1011 0100: user name, password 0, will retain, will QoS 10, will, clean session 0
                "FF FF",                   // Keep Alive 65535 s (the largest)
                "00 03 63 69 64",          // Client Identifier "cid"
                "00 01 74",                // Will Topic "t"
                "00 00",                   // Will Message, zero length
                "00 01 75"),               // User Name "u"
            () => new ConnectPacket
            {
                ProtocolVersion = V311,
                ClientId = "cid",
                CleanSession = false,
                KeepAlive = 65535,
                Will = new MqttWill { Topic = "t", Payload = ReadOnlyMemory<byte>.Empty, QoS = MqttQualityOfService.ExactlyOnce, Retain = true },
                UserName = "u",
            });

        // ---------------------------------------------------------------- CONNECT, MQTT 5.0 ("MQTT", level 5)

        // MQTT 5.0 section 3.1.2.12, figure 3-6 variable header example: "MQTT", version 5, flags 1100 1110,
        // Keep Alive 10, Property Length 5, Session Expiry Interval (0x11) = 10. The payload adds will properties,
        // in the order Client Identifier, Will Properties, Will Topic, Will Payload, User Name, Password [MQTT-3.1.3-1].
        yield return Vector("CONNECT 5.0 figure 3-6 with will properties, user name and password", V500,
            Hex(
                "10 4A",                   // CONNECT; Remaining Length 74 = 16 variable header + 58 payload
                "00 04 4D 51 54 54",       // Protocol Name "MQTT"
                "05",                      // Protocol Version 5
                "CE",                      // Connect Flags 1100 1110: user name, password, will retain 0, will QoS 01, will, clean start
                "00 0A",                   // Keep Alive 10 s
                "05",                      // Property Length 5
                "11 00 00 00 0A",          //   Session Expiry Interval (four byte integer) = 10
                "00 03 63 69 64",          // Client Identifier "cid"
                "1F",                      // Will Property Length 31
                "01 01",                   //   Payload Format Indicator (byte) = 1, UTF-8
                "02 00 00 00 3C",          //   Message Expiry Interval (four byte integer) = 60
                "03 00 04 74 65 78 74",    //   Content Type (UTF-8 string) "text"
                "08 00 04 72 65 73 70",    //   Response Topic (UTF-8 string) "resp"
                "09 00 02 CA FE",          //   Correlation Data (binary) CA FE
                "18 00 00 00 05",          //   Will Delay Interval (four byte integer) = 5
                "00 03 77 2F 74",          // Will Topic "w/t"
                "00 02 68 69",             // Will Payload "hi"
                "00 04 75 73 65 72",       // User Name "user"
                "00 04 70 61 73 73"),      // Password "pass"
            () => new ConnectPacket
            {
                ProtocolVersion = V500,
                ClientId = "cid",
                CleanSession = true,
                KeepAlive = 10,
                Properties = new MqttProperties { SessionExpiryInterval = 10 },
                Will = new MqttWill
                {
                    Topic = "w/t",
                    Payload = Utf8("hi"),
                    QoS = MqttQualityOfService.AtLeastOnce,
                    Properties = new MqttProperties
                    {
                        PayloadFormatIndicator = 1,
                        MessageExpiryInterval = 60,
                        ContentType = "text",
                        ResponseTopic = "resp",
                        CorrelationData = new byte[] { 0xCA, 0xFE },
                        WillDelayInterval = 5,
                    },
                },
                UserName = "user",
                Password = Utf8("pass"),
            });

        // MQTT 5.0 allows a Password without a User Name (section 3.1.2.9). User Property names may repeat and
        // their order is kept (section 3.1.2.11.8).
        yield return Vector("CONNECT 5.0 password without user name and every CONNECT property", V500,
            Hex(
                "10 48",                   // CONNECT; Remaining Length 72 = 66 + 6
                "00 04 4D 51 54 54",       // Protocol Name "MQTT"
                "05",                      // Protocol Version 5
                "40",                      // Connect Flags 0100 0000: password only, clean start 0
                "00 00",                   // Keep Alive 0 (off)
                "37",                      // Property Length 55
                "11 00 00 0E 10",          //   Session Expiry Interval = 3600
                "15 00 05 53 43 52 41 4D", //   Authentication Method "SCRAM"
                "16 00 03 01 02 03",       //   Authentication Data 01 02 03
                "17 00",                   //   Request Problem Information = 0
                "19 01",                   //   Request Response Information = 1
                "21 00 14",                //   Receive Maximum (two byte integer) = 20
                "22 00 0A",                //   Topic Alias Maximum = 10
                "26 00 01 61 00 01 31",    //   User Property "a" = "1"
                "26 00 01 62 00 01 32",    //   User Property "b" = "2"
                "26 00 01 61 00 01 33",    //   User Property "a" = "3" (a repeated name, after "b")
                "27 00 00 10 00",          //   Maximum Packet Size = 4096
                "00 00",                   // Client Identifier ""
                "00 02 70 77"),            // Password "pw"
            () => new ConnectPacket
            {
                ProtocolVersion = V500,
                ClientId = "",
                CleanSession = false,
                KeepAlive = 0,
                Properties = new MqttProperties
                {
                    SessionExpiryInterval = 3600,
                    AuthenticationMethod = "SCRAM",
                    AuthenticationData = new byte[] { 1, 2, 3 },
                    RequestProblemInformation = 0,
                    RequestResponseInformation = 1,
                    ReceiveMaximum = 20,
                    TopicAliasMaximum = 10,
                    MaximumPacketSize = 4096,
                }.AddUserProperty("a", "1").AddUserProperty("b", "2").AddUserProperty("a", "3"),
                Password = Utf8("pw"),
            });

        // Properties may come in any order; the writer emits them by identifier, so this is read-only.
        yield return ReadOnlyVector("CONNECT 5.0 properties out of identifier order", V500,
            Hex(
                "10 15",                   // CONNECT; Remaining Length 21
                "00 04 4D 51 54 54",       // Protocol Name "MQTT"
                "05",                      // Protocol Version 5
                "02",                      // Connect Flags: clean start
                "00 3C",                   // Keep Alive 60 s
                "08",                      // Property Length 8
                "21 00 14",                //   Receive Maximum = 20 (0x21 first)
                "11 00 00 00 3C",          //   Session Expiry Interval = 60 (0x11 second)
                "00 00"),                  // Client Identifier ""
            () => new ConnectPacket
            {
                ProtocolVersion = V500,
                CleanSession = true,
                KeepAlive = 60,
                Properties = new MqttProperties { ReceiveMaximum = 20, SessionExpiryInterval = 60 },
            });

        // ---------------------------------------------------------------- CONNACK, MQTT 3.x

        yield return Vector("CONNACK 3.1 accepted", V310,
            Hex(
                "20 02",                   // CONNACK (2 << 4); Remaining Length 2
                "00",                      // reserved (3.1 has no Session Present)
                "00"),                     // Return Code 0, Connection Accepted
            () => new ConnAckPacket { ReasonCode = MqttReasonCode.Success });

        yield return Vector("CONNACK 3.1 identifier rejected", V310,
            Hex("20 02", "00", "02"),      // CONNACK; RL 2; reserved; Return Code 2, identifier rejected
            () => new ConnAckPacket { ReasonCode = MqttReasonCode.ClientIdentifierNotValid });

        // Session Present 1 when the server had state for this client [MQTT-3.2.2-2].
        yield return Vector("CONNACK 3.1.1 accepted with session present", V311,
            Hex(
                "20 02",                   // CONNACK; Remaining Length 2
                "01",                      // Connect Acknowledge Flags: Session Present 1
                "00"),                     // Return Code 0, Connection Accepted
            () => new ConnAckPacket { SessionPresent = true, ReasonCode = MqttReasonCode.Success });

        // The 3.1.1 return codes (table 3.1) read as the matching MQTT 5.0 reason codes; a refusal carries
        // Session Present 0 [MQTT-3.2.2-4].
        yield return Vector("CONNACK 3.1.1 return code 1 unacceptable protocol version", V311,
            Hex("20 02", "00", "01"),
            () => new ConnAckPacket { ReasonCode = MqttReasonCode.UnsupportedProtocolVersion });
        yield return Vector("CONNACK 3.1.1 return code 2 identifier rejected", V311,
            Hex("20 02", "00", "02"),
            () => new ConnAckPacket { ReasonCode = MqttReasonCode.ClientIdentifierNotValid });
        yield return Vector("CONNACK 3.1.1 return code 3 server unavailable", V311,
            Hex("20 02", "00", "03"),
            () => new ConnAckPacket { ReasonCode = MqttReasonCode.ServerUnavailable });
        yield return Vector("CONNACK 3.1.1 return code 4 bad user name or password", V311,
            Hex("20 02", "00", "04"),
            () => new ConnAckPacket { ReasonCode = MqttReasonCode.BadUserNameOrPassword });
        yield return Vector("CONNACK 3.1.1 return code 5 not authorized", V311,
            Hex("20 02", "00", "05"),
            () => new ConnAckPacket { ReasonCode = MqttReasonCode.NotAuthorized });

        // ---------------------------------------------------------------- CONNACK, MQTT 5.0

        // CONNACK has no short form: the Property Length is always present (section 3.2.2.3.1).
        yield return Vector("CONNACK 5.0 success without properties", V500,
            Hex(
                "20 03",                   // CONNACK; Remaining Length 3
                "00",                      // Connect Acknowledge Flags: Session Present 0
                "00",                      // Reason Code 0x00 Success
                "00"),                     // Property Length 0
            () => new ConnAckPacket { ReasonCode = MqttReasonCode.Success });

        yield return Vector("CONNACK 5.0 session present with server capability properties", V500,
            Hex(
                "20 31",                   // CONNACK; Remaining Length 49
                "01",                      // Session Present 1
                "00",                      // Reason Code Success
                "2E",                      // Property Length 46
                "11 00 00 00 78",          //   Session Expiry Interval = 120
                "12 00 04 61 75 74 6F",    //   Assigned Client Identifier "auto"
                "13 00 1E",                //   Server Keep Alive (two byte integer) = 30
                "1A 00 02 72 2F",          //   Response Information "r/"
                "1F 00 02 6F 6B",          //   Reason String "ok"
                "21 00 0A",                //   Receive Maximum = 10
                "22 00 05",                //   Topic Alias Maximum = 5
                "24 01",                   //   Maximum QoS (byte) = 1
                "25 00",                   //   Retain Available = 0
                "27 00 01 00 00",          //   Maximum Packet Size = 65536
                "28 00",                   //   Wildcard Subscription Available = 0
                "29 01",                   //   Subscription Identifiers Available = 1
                "2A 00"),                  //   Shared Subscription Available = 0
            () => new ConnAckPacket
            {
                SessionPresent = true,
                ReasonCode = MqttReasonCode.Success,
                Properties = new MqttProperties
                {
                    SessionExpiryInterval = 120,
                    AssignedClientIdentifier = "auto",
                    ServerKeepAlive = 30,
                    ResponseInformation = "r/",
                    ReasonString = "ok",
                    ReceiveMaximum = 10,
                    TopicAliasMaximum = 5,
                    MaximumQoS = 1,
                    RetainAvailable = 0,
                    MaximumPacketSize = 65536,
                    WildcardSubscriptionAvailable = 0,
                    SubscriptionIdentifierAvailable = 1,
                    SharedSubscriptionAvailable = 0,
                },
            });

        yield return Vector("CONNACK 5.0 use another server with server reference", V500,
            Hex(
                "20 0A",                   // CONNACK; Remaining Length 10
                "00",                      // Session Present 0
                "9C",                      // Reason Code 0x9C Use another server
                "07",                      // Property Length 7
                "1C 00 04 73 72 76 32"),   //   Server Reference "srv2"
            () => new ConnAckPacket
            {
                ReasonCode = MqttReasonCode.UseAnotherServer,
                Properties = new MqttProperties { ServerReference = "srv2" },
            });
    }
}
