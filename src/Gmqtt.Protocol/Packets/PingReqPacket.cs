namespace Gmqtt.Protocol.Packets;

/// <summary>PINGREQ (section 3.12). Has no content, so one instance serves everyone.</summary>
public sealed class PingReqPacket : MqttPacket
{
    /// <summary>The shared instance.</summary>
    public static readonly PingReqPacket Instance = new();

    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.PingReq;
}
