using System.Buffers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Benchmarks;

/// <summary>
/// Parse (TryRead into packet objects) and write (into a reused buffer writer) one packet in MQTT 3.1.1 and 5.0.
/// Each derived class says which packet.
/// </summary>
// A short job (1 launch, 3 warmup, 8 measured iterations) keeps the suite to minutes on a shared 2-core machine.
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 3, iterationCount: 8)]
[MemoryDiagnoser]
public abstract class PacketBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private MqttPacket _v311 = null!;
    private MqttPacket _v5 = null!;

    protected MqttPacketReader V311Reader { get; } = new() { ProtocolVersion = MqttProtocolVersion.V311 };

    protected MqttPacketReader V5Reader { get; } = new() { ProtocolVersion = MqttProtocolVersion.V500 };

    protected ReadOnlySequence<byte> V311Bytes { get; private set; }

    protected ReadOnlySequence<byte> V5Bytes { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        _v311 = Create(MqttProtocolVersion.V311);
        _v5 = Create(MqttProtocolVersion.V500);
        V311Bytes = new ReadOnlySequence<byte>(Samples.Encode(_v311, MqttProtocolVersion.V311));
        V5Bytes = new ReadOnlySequence<byte>(Samples.Encode(_v5, MqttProtocolVersion.V500));
    }

    [Benchmark]
    public MqttPacket? Parse_V311()
    {
        var buffer = V311Bytes;
        V311Reader.TryRead(ref buffer, out var packet);
        return packet;
    }

    [Benchmark]
    public MqttPacket? Parse_V5()
    {
        var buffer = V5Bytes;
        V5Reader.TryRead(ref buffer, out var packet);
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

    /// <summary>The packet to measure, encoded for <paramref name="version"/>.</summary>
    protected abstract MqttPacket Create(MqttProtocolVersion version);
}
