namespace Gmqtt.Protocol.Packets;

/// <summary>PINGRESP (section 3.13). Has no content, so one instance serves everyone.</summary>
public sealed class PingRespPacket : MqttPacket
{
    /// <summary>The shared instance.</summary>
    public static readonly PingRespPacket Instance = new();

    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.PingResp;
}
