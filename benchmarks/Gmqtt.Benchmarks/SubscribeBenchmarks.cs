using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Benchmarks;

/// <summary>SUBSCRIBE with three filters (two with wildcards); MQTT 5.0 adds a subscription identifier.</summary>
public class SubscribeBenchmarks : PacketBenchmarks
{
    protected override MqttPacket Create(MqttProtocolVersion version) => Samples.Subscribe(version);
}
