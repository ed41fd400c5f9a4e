using Gmqtt.Protocol.Packets;

namespace Gmqtt.Protocol.Tests;

/// <summary>PINGREQ, PINGRESP, DISCONNECT and AUTH.</summary>
internal static partial class GoldenVectors
{
    private static IEnumerable<GoldenVector> SessionFamily()
    {
        // ---------------------------------------------------------------- PINGREQ, PINGRESP: header only, every version

        foreach (var (version, v) in new[] { (V310, "3.1"), (V311, "3.1.1"), (V500, "5.0") })
        {
            yield return Vector($"PINGREQ {v}", version,
                Hex("C0", "00"),           // PINGREQ (12 << 4); Remaining Length 0
                () => PingReqPacket.Instance);
            yield return Vector($"PINGRESP {v}", version,
                Hex("D0", "00"),           // PINGRESP (13 << 4); Remaining Length 0
                () => PingRespPacket.Instance);
        }

        // ---------------------------------------------------------------- DISCONNECT

        // MQTT 3.x DISCONNECT has no variable header; reserved flags are 0 (3.1.1 [MQTT-3.14.1-1]).
        yield return Vector("DISCONNECT 3.1", V310,
            Hex("E0", "00"),               // DISCONNECT (14 << 4); Remaining Length 0
            () => new DisconnectPacket());
        yield return Vector("DISCONNECT 3.1.1", V311,
            Hex("E0", "00"),
            () => new DisconnectPacket());

        // "The Reason Code and Property Length can be omitted if the Reason Code is 0x00 (Normal disconnecton)
        // and there are no Properties. In this case the DISCONNECT has a Remaining Length of 0" (section 3.14.2.1).
        yield return Vector("DISCONNECT 5.0 remaining length 0 means normal disconnection", V500,
            Hex("E0", "00"),               // DISCONNECT; Remaining Length 0
            () => new DisconnectPacket { ReasonCode = MqttReasonCode.Success });

        // "If the Remaining Length is less than 2, a value of 0 is used" for the Property Length (section 3.14.2.2.1).
        yield return Vector("DISCONNECT 5.0 remaining length 1 with will message", V500,
            Hex(
                "E0 01",                   // DISCONNECT; Remaining Length 1
                "04"),                     // Reason Code 0x04 Disconnect with Will Message; no Property Length
            () => new DisconnectPacket { ReasonCode = MqttReasonCode.DisconnectWithWillMessage });

        // Sent by a server: Server Reference with 0x9C; no Session Expiry Interval from a server [MQTT-3.14.2-2].
        yield return Vector("DISCONNECT 5.0 server sends use another server with properties", V500,
            Hex(
                "E0 16",                   // DISCONNECT; Remaining Length 22
                "9C",                      // Reason Code 0x9C Use another server
                "14",                      // Property Length 20
                "1C 00 04 73 72 76 32",    //   Server Reference "srv2"
                "1F 00 03 62 79 65",       //   Reason String "bye"
                "26 00 01 6B 00 01 76"),   //   User Property "k" = "v"
            () => new DisconnectPacket
            {
                ReasonCode = MqttReasonCode.UseAnotherServer,
                Properties = new MqttProperties { ServerReference = "srv2", ReasonString = "bye" }.AddUserProperty("k", "v"),
            });

        // Sent by a client: a normal disconnection that changes the Session Expiry Interval (section 3.14.2.2.2).
        yield return Vector("DISCONNECT 5.0 client normal disconnection with session expiry interval", V500,
            Hex(
                "E0 07",                   // DISCONNECT; Remaining Length 7
                "00",                      // Reason Code 0x00 Normal disconnection, present because properties follow
                "05",                      // Property Length 5
                "11 00 00 00 00"),         //   Session Expiry Interval = 0
            () => new DisconnectPacket
            {
                ReasonCode = MqttReasonCode.Success,
                Properties = new MqttProperties { SessionExpiryInterval = 0 },
            });

        yield return ReadOnlyVector("DISCONNECT 5.0 remaining length 2 with empty property list", V500,
            Hex("E0 02", "00", "00"),      // DISCONNECT; RL 2; Reason Code Success; Property Length 0
            () => new DisconnectPacket { ReasonCode = MqttReasonCode.Success });

        // ---------------------------------------------------------------- AUTH, MQTT 5.0 only

        // "The Reason Code and Property Length can be omitted if the Reason Code is 0x00 (Success) and there are no
        // Properties. In this case the AUTH has a Remaining Length of 0" (section 3.15.2.1).
        yield return Vector("AUTH 5.0 remaining length 0 means success", V500,
            Hex("F0", "00"),               // AUTH (15 << 4); Remaining Length 0
            () => new AuthPacket { ReasonCode = MqttReasonCode.Success });

        // Authenticate Reason Codes only: 0x00, 0x18, 0x19 [MQTT-3.15.2-1].
        yield return Vector("AUTH 5.0 continue authentication with method, data and reason string", V500,
            Hex(
                "F0 16",                   // AUTH; Remaining Length 22
                "18",                      // Reason Code 0x18 Continue authentication
                "14",                      // Property Length 20
                "15 00 05 53 43 52 41 4D", //   Authentication Method "SCRAM"
                "16 00 04 01 02 03 04",    //   Authentication Data 01 02 03 04
                "1F 00 02 6F 6B"),         //   Reason String "ok"
            () => new AuthPacket
            {
                ReasonCode = MqttReasonCode.ContinueAuthentication,
                Properties = new MqttProperties { AuthenticationMethod = "SCRAM", AuthenticationData = new byte[] { 1, 2, 3, 4 }, ReasonString = "ok" },
            });

        yield return Vector("AUTH 5.0 re-authenticate with method", V500,
            Hex(
                "F0 0A",                   // AUTH; Remaining Length 10
                "19",                      // Reason Code 0x19 Re-authenticate
                "08",                      // Property Length 8
                "15 00 05 53 43 52 41 4D"),//   Authentication Method "SCRAM"
            () => new AuthPacket { ReasonCode = MqttReasonCode.ReAuthenticate, Properties = new MqttProperties { AuthenticationMethod = "SCRAM" } });

        yield return ReadOnlyVector("AUTH 5.0 remaining length 2 success with empty property list", V500,
            Hex("F0 02", "00", "00"),      // AUTH; RL 2; Reason Code Success; Property Length 0
            () => new AuthPacket { ReasonCode = MqttReasonCode.Success });
    }
}
