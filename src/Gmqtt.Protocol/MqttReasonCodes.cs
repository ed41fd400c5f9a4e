using Gmqtt.Protocol.Packets;

namespace Gmqtt.Protocol;

/// <summary>Which reason codes each packet may carry, and the mapping between MQTT 5.0 and MQTT 3.x codes.</summary>
public static class MqttReasonCodes
{
    // Section 3.2.2.2, 3.4.2.1, 3.5.2.1, 3.6.2.1, 3.7.2.1, 3.9.3, 3.11.3, 3.14.2.1 and 3.15.2.1 of MQTT 5.0.
    private static readonly byte[] ConnAckCodes = [0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F];
    private static readonly byte[] PubAckCodes = [0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99];
    private static readonly byte[] PubRelCodes = [0x00, 0x92];
    private static readonly byte[] SubAckCodes = [0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2];
    private static readonly byte[] UnsubAckCodes = [0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91];
    private static readonly byte[] DisconnectCodes = [0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2];
    private static readonly byte[] AuthCodes = [0x00, 0x18, 0x19];

    /// <summary>Whether the MQTT 5.0 standard allows <paramref name="code"/> in a packet of type <paramref name="type"/>.</summary>
    public static bool IsAllowed(MqttPacketType type, MqttReasonCode code)
    {
        ReadOnlySpan<byte> allowed = type switch
        {
            MqttPacketType.ConnAck => ConnAckCodes,
            MqttPacketType.PubAck or MqttPacketType.PubRec => PubAckCodes,
            MqttPacketType.PubRel or MqttPacketType.PubComp => PubRelCodes,
            MqttPacketType.SubAck => SubAckCodes,
            MqttPacketType.UnsubAck => UnsubAckCodes,
            MqttPacketType.Disconnect => DisconnectCodes,
            MqttPacketType.Auth => AuthCodes,
            _ => [],
        };
        return allowed.Contains((byte)code);
    }

    /// <summary>Maps a CONNACK reason code to the closest MQTT 3.x return code.</summary>
    public static MqttConnectReturnCode ToConnectReturnCode(MqttReasonCode code) => code switch
    {
        MqttReasonCode.Success => MqttConnectReturnCode.Accepted,
        MqttReasonCode.UnsupportedProtocolVersion => MqttConnectReturnCode.UnacceptableProtocolVersion,
        MqttReasonCode.ClientIdentifierNotValid => MqttConnectReturnCode.IdentifierRejected,
        MqttReasonCode.BadUserNameOrPassword or MqttReasonCode.BadAuthenticationMethod => MqttConnectReturnCode.BadUserNameOrPassword,
        MqttReasonCode.NotAuthorized or MqttReasonCode.Banned => MqttConnectReturnCode.NotAuthorized,
        _ => MqttConnectReturnCode.ServerUnavailable,
    };

    /// <summary>Maps an MQTT 3.x CONNACK return code to its MQTT 5.0 reason code.</summary>
    public static MqttReasonCode FromConnectReturnCode(MqttConnectReturnCode code) => code switch
    {
        MqttConnectReturnCode.Accepted => MqttReasonCode.Success,
        MqttConnectReturnCode.UnacceptableProtocolVersion => MqttReasonCode.UnsupportedProtocolVersion,
        MqttConnectReturnCode.IdentifierRejected => MqttReasonCode.ClientIdentifierNotValid,
        MqttConnectReturnCode.ServerUnavailable => MqttReasonCode.ServerUnavailable,
        MqttConnectReturnCode.BadUserNameOrPassword => MqttReasonCode.BadUserNameOrPassword,
        MqttConnectReturnCode.NotAuthorized => MqttReasonCode.NotAuthorized,
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "Not an MQTT 3.x return code."),
    };

    /// <summary>The reason code that grants <paramref name="qos"/> in a SUBACK.</summary>
    public static MqttReasonCode Granted(MqttQualityOfService qos) => (MqttReasonCode)(byte)qos;
}
