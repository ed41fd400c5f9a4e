namespace Gmqtt.Protocol.Packets;

/// <summary>SUBSCRIBE: one or more topic filters with options (section 3.8).</summary>
public sealed class SubscribePacket : MqttPacketWithProperties
{
    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.Subscribe;

    /// <summary>The packet identifier.</summary>
    public ushort PacketId { get; set; }

    /// <summary>The topic filters, in order; at least one.</summary>
    public List<MqttTopicFilter> Filters { get; set; } = [];
}
