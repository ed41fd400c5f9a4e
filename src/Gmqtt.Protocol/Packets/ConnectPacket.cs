namespace Gmqtt.Protocol.Packets;

/// <summary>CONNECT: the first packet a client sends (section 3.1).</summary>
public sealed class ConnectPacket : MqttPacketWithProperties
{
    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.Connect;

    /// <summary>The protocol level; also decides the protocol name ("MQIsdp" for 3.1, "MQTT" otherwise).</summary>
    public MqttProtocolVersion ProtocolVersion { get; set; } = MqttProtocolVersion.V311;

    /// <summary>The client identifier; may be empty.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>Clean Session (3.x) or Clean Start (5.0).</summary>
    public bool CleanSession { get; set; } = true;

    /// <summary>Keep alive in seconds; 0 turns it off.</summary>
    public ushort KeepAlive { get; set; }

    /// <summary>The user name, or <see langword="null"/> when the flag is not set.</summary>
    public string? UserName { get; set; }

    /// <summary>The password, or <see langword="null"/> when the flag is not set.</summary>
    public ReadOnlyMemory<byte>? Password { get; set; }

    /// <summary>The will message, or <see langword="null"/> when the will flag is not set.</summary>
    public MqttWill? Will { get; set; }
}
