namespace Gmqtt.Protocol.Packets;

/// <summary>UNSUBSCRIBE: one or more topic filters to remove (section 3.10).</summary>
public sealed class UnsubscribePacket : MqttPacketWithProperties
{
    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.Unsubscribe;

    /// <summary>The packet identifier.</summary>
    public ushort PacketId { get; set; }

    /// <summary>The topic filters, in order; at least one.</summary>
    public List<string> Filters { get; set; } = [];
}
