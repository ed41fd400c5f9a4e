namespace Gmqtt.Protocol.Packets;

/// <summary>The will message of a CONNECT.</summary>
public sealed class MqttWill
{
    /// <summary>The topic the will is published to.</summary>
    public required string Topic { get; set; }

    /// <summary>The will payload.</summary>
    public ReadOnlyMemory<byte> Payload { get; set; }

    /// <summary>The QoS of the will.</summary>
    public MqttQualityOfService QoS { get; set; }

    /// <summary>Whether the will is retained.</summary>
    public bool Retain { get; set; }

    /// <summary>MQTT 5.0 will properties, or <see langword="null"/>.</summary>
    public MqttProperties? Properties { get; set; }
}
