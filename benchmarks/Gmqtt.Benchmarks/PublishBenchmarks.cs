using System.Buffers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Benchmarks;

/// <summary>
/// A QoS 1 PUBLISH to a 38-byte topic. MQTT 5.0 adds a content type, one user property and a message expiry.
/// Parse_* build a <see cref="PublishPacket"/> (topic string and payload copied); View_* use TryReadFrame and
/// ReadPublishView, which borrow the topic and payload from the buffer.
/// </summary>
// A short job (1 launch, 3 warmup, 8 measured iterations) keeps the suite to minutes on a shared 2-core machine.
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 3, iterationCount: 8)]
[MemoryDiagnoser]
public class PublishBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private readonly MqttPacketReader _v311Reader = new() { ProtocolVersion = MqttProtocolVersion.V311 };
    private readonly MqttPacketReader _v5Reader = new() { ProtocolVersion = MqttProtocolVersion.V500 };
    private PublishPacket _v311 = null!;
    private PublishPacket _v5 = null!;
    private ReadOnlySequence<byte> _v311Bytes;
    private ReadOnlySequence<byte> _v5Bytes;

    [Params(64, 4096)]
    public int PayloadSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _v311 = Samples.Publish(MqttProtocolVersion.V311, PayloadSize);
        _v5 = Samples.Publish(MqttProtocolVersion.V500, PayloadSize);
        _v311Bytes = new ReadOnlySequence<byte>(Samples.Encode(_v311, MqttProtocolVersion.V311));
        _v5Bytes = new ReadOnlySequence<byte>(Samples.Encode(_v5, MqttProtocolVersion.V500));
    }

    [Benchmark]
    public MqttPacket? Parse_V311()
    {
        var buffer = _v311Bytes;
        _v311Reader.TryRead(ref buffer, out var packet);
        return packet;
    }

    [Benchmark]
    public MqttPacket? Parse_V5()
    {
        var buffer = _v5Bytes;
        _v5Reader.TryRead(ref buffer, out var packet);
        return packet;
    }

    [Benchmark]
    public long View_V311()
    {
        MqttPacketReader.TryReadFrame(_v311Bytes, MqttPacketReader.MaxPacketSize, out var header, out var body);
        var view = _v311Reader.ReadPublishView(header, body);
        return view.Topic.Length + view.Payload.Length + view.PacketId;
    }

    [Benchmark]
    public long View_V5()
    {
        MqttPacketReader.TryReadFrame(_v5Bytes, MqttPacketReader.MaxPacketSize, out var header, out var body);
        var view = _v5Reader.ReadPublishView(header, body);
        return view.Topic.Length + view.Payload.Length + view.PacketId;
    }

    [Benchmark]
    public int Write_V311()
    {
        _output.ResetWrittenCount();
        return MqttPacketWriter.Write(_v311, MqttProtocolVersion.V311, _output);
    }

    [Benchmark]
    public int Write_V5()
    {
        _output.ResetWrittenCount();
        return MqttPacketWriter.Write(_v5, MqttProtocolVersion.V500, _output);
    }
}
