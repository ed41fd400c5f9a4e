namespace Gmqtt.Protocol.Packets;

/// <summary>A packet that carries MQTT 5.0 properties (ignored for MQTT 3.x).</summary>
public abstract class MqttPacketWithProperties : MqttPacket
{
    /// <summary>The MQTT 5.0 properties, or <see langword="null"/> when there are none.</summary>
    public MqttProperties? Properties { get; set; }
}
