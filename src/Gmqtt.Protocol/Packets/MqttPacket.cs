namespace Gmqtt.Protocol.Packets;

/// <summary>Base of every MQTT control packet.</summary>
public abstract class MqttPacket
{
    /// <summary>The control packet type.</summary>
    public abstract MqttPacketType Type { get; }
}
