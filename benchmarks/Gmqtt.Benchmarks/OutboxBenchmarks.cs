using System.IO.Pipelines;
using System.Net;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Gmqtt.Broker;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;
using Gmqtt.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gmqtt.Benchmarks;

/// <summary>
/// The encode step of a write round (<see cref="MqttConnection.WriteMessages"/>): 64 queued QoS 1 messages of
/// 64 B for one connected client written into a <see cref="PipeWriter"/>, flushed, and the bytes consumed. Figures
/// are per message. <see cref="SubscriptionIds"/> gives each delivery a subscription identifier (MQTT 5.0 sends it
/// as a property; MQTT 3.1.1 ignores it). The client is connected for real over in-memory pipes, so the
/// connection's state (version, session, limits) is what CONNECT set.
/// </summary>
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 3, iterationCount: 8)]
[MemoryDiagnoser]
public class OutboxBenchmarks
{
    private const int BatchSize = 64;

    private readonly Pipe _output = new(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
    private readonly List<OutboundMessage> _batch = new(BatchSize);
    private readonly CancellationTokenSource _stop = new();
    private MqttConnection _connection = null!;
    private Task _running = Task.CompletedTask;

    [Params(MqttProtocolVersion.V311, MqttProtocolVersion.V500)]
    public MqttProtocolVersion Version { get; set; }

    [Params(false, true)]
    public bool SubscriptionIds { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = new MqttBrokerOptions();
        var broker = new MqttBroker(
            Microsoft.Extensions.Options.Options.Create(options),
            [],
            new InMemoryRetainedMessageStore(),
            new InMemorySessionStore(),
            NullLoggerFactory.Instance);
        var toBroker = new Pipe();
        var toClient = new Pipe();
        _connection = new MqttConnection(broker, new DuplexPipe(toBroker.Reader, toClient.Writer), new MqttConnectionInfo("tcp", new IPEndPoint(IPAddress.Loopback, 50000), null, null));
        _running = _connection.RunAsync(_stop.Token);

        var connect = new ConnectPacket { ProtocolVersion = Version, ClientId = "subscriber", CleanSession = true, KeepAlive = 0 };
        toBroker.Writer.WriteAsync(Samples.Encode(connect, Version)).AsTask().GetAwaiter().GetResult();
        var reader = new MqttPacketReader { ProtocolVersion = Version };
        while (true)
        {
            var read = toClient.Reader.ReadAsync().AsTask().GetAwaiter().GetResult();
            var buffer = read.Buffer;
            if (reader.TryRead(ref buffer, out var packet))
            {
                if (packet is not ConnAckPacket { ReasonCode: MqttReasonCode.Success })
                {
                    throw new InvalidOperationException($"CONNECT answered with {packet}.");
                }

                toClient.Reader.AdvanceTo(buffer.Start);
                break;
            }

            toClient.Reader.AdvanceTo(buffer.Start, buffer.End);
        }

        var payload = new byte[64];
        new Random(42).NextBytes(payload);
        for (var i = 0; i < BatchSize; i++)
        {
            var message = new MqttApplicationMessage { Topic = $"site/{i % 8}/sensor/{i}/temperature", Payload = payload, QoS = MqttQualityOfService.AtLeastOnce };
            _batch.Add(new OutboundMessage(message, MqttQualityOfService.AtLeastOnce, retain: false, SubscriptionIds ? [(uint)(i + 1)] : null) { PacketId = (ushort)(i + 1) });
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop.Cancel();
        _running.GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = BatchSize)]
    public long WriteBatch()
    {
        List<OutboundMessage>? tooLarge = null;
        _connection.WriteMessages(_output.Writer, _batch, ref tooLarge);
        _output.Writer.FlushAsync().GetAwaiter().GetResult();
        _output.Reader.TryRead(out var result);
        var length = result.Buffer.Length;
        _output.Reader.AdvanceTo(result.Buffer.End);
        return length;
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
