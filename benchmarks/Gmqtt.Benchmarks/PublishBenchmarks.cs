using BenchmarkDotNet.Attributes;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Benchmarks;

/// <summary>
/// A QoS 1 PUBLISH to a 38-byte topic. MQTT 5.0 adds a content type, one user property and a message expiry.
/// Parse_* build a <see cref="PublishPacket"/> (topic string and payload copied); View_* use TryReadFrame and
/// ReadPublishView, which borrow the topic and payload from the buffer.
/// </summary>
public class PublishBenchmarks : PacketBenchmarks
{
    [Params(64, 4096)]
    public int PayloadSize { get; set; }

    [Benchmark]
    public long View_V311()
    {
        MqttPacketReader.TryReadFrame(V311Bytes, MqttPacketReader.MaxPacketSize, out var header, out var body);
        var view = V311Reader.ReadPublishView(header, body);
        return view.Topic.Length + view.Payload.Length + view.PacketId;
    }

    [Benchmark]
    public long View_V5()
    {
        MqttPacketReader.TryReadFrame(V5Bytes, MqttPacketReader.MaxPacketSize, out var header, out var body);
        var view = V5Reader.ReadPublishView(header, body);
        return view.Topic.Length + view.Payload.Length + view.PacketId;
    }

    protected override MqttPacket Create(MqttProtocolVersion version) => Samples.Publish(version, PayloadSize);
}
