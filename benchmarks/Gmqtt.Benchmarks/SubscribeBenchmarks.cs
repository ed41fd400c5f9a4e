using System.Buffers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Benchmarks;

/// <summary>SUBSCRIBE with three filters (one with '+', one with '#'); MQTT 5.0 adds a subscription identifier.</summary>
// A short job (1 launch, 3 warmup, 8 measured iterations) keeps the suite to minutes on a shared 2-core machine.
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 3, iterationCount: 8)]
[MemoryDiagnoser]
public class SubscribeBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private readonly MqttPacketReader _v311Reader = new() { ProtocolVersion = MqttProtocolVersion.V311 };
    private readonly MqttPacketReader _v5Reader = new() { ProtocolVersion = MqttProtocolVersion.V500 };
    private SubscribePacket _v311 = null!;
    private SubscribePacket _v5 = null!;
    private ReadOnlySequence<byte> _v311Bytes;
    private ReadOnlySequence<byte> _v5Bytes;

    [GlobalSetup]
    public void Setup()
    {
        _v311 = Samples.Subscribe(MqttProtocolVersion.V311);
        _v5 = Samples.Subscribe(MqttProtocolVersion.V500);
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
