using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Benchmarks;

/// <summary>CONNECT with user name, password and will; MQTT 5.0 adds session, will and flow-control properties.</summary>
public class ConnectBenchmarks : PacketBenchmarks
{
    protected override MqttPacket Create(MqttProtocolVersion version) => Samples.Connect(version);
}
