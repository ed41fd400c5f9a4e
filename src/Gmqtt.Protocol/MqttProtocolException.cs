namespace Gmqtt.Protocol;

/// <summary>
/// A protocol violation found while reading or handling a packet. <see cref="ReasonCode"/> is the MQTT 5.0
/// reason code to answer with (MQTT 3.x peers are simply disconnected).
/// </summary>
public sealed class MqttProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reasonCode">Usually <see cref="MqttReasonCode.MalformedPacket"/>, <see cref="MqttReasonCode.ProtocolError"/> or <see cref="MqttReasonCode.PacketTooLarge"/>.</param>
    /// <param name="message">What was wrong, for logs.</param>
    public MqttProtocolException(MqttReasonCode reasonCode, string message)
        : base(message)
    {
        ReasonCode = reasonCode;
    }

    /// <summary>The reason code that describes the violation.</summary>
    public MqttReasonCode ReasonCode { get; }

    /// <summary>The type of the packet being read, when the fixed header had been read.</summary>
    public MqttPacketType? PacketType { get; init; }

    internal static MqttProtocolException Malformed(string message) => new(MqttReasonCode.MalformedPacket, message);

    internal static MqttProtocolException Protocol(string message) => new(MqttReasonCode.ProtocolError, message);
}
