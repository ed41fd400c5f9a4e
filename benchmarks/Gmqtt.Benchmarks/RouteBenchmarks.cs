using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Gmqtt.Broker;
using Gmqtt.Protocol;
using Gmqtt.Storage;
using Gmqtt.Subscriptions;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gmqtt.Benchmarks;

/// <summary>
/// <see cref="MqttRouter.PublishAsync(MqttApplicationMessage, Hooks.MqttClientInfo?, bool)"/>, the path a client's PUBLISH
/// takes, for a 64 B message to 1 or 10 subscribers: tree match, delivery targets, one enqueue per subscriber.
/// Subscribers are offline sessions (QoS 0 queued offline), so no I/O is measured; filters mix exact, <c>+</c> and
/// <c>#</c>, all granted QoS 1. Each invocation routes 64 messages and then takes them out of the queues as a
/// write round would (TakeSendable, then OnPubAck for QoS 1), so queues never fill; that is included.
/// <see cref="SubscriptionIds"/> gives every subscription an MQTT 5.0 subscription identifier.
/// </summary>
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 3, iterationCount: 8)]
[MemoryDiagnoser]
public class RouteBenchmarks
{
    private const int MessagesPerInvoke = 64;

    private static readonly string[] Filters = ["site/42/sensor/7", "site/+/sensor/7", "site/42/#", "+/42/sensor/+", "#"];

    private readonly List<OutboundMessage> _taken = new(256);
    private MqttBroker _broker = null!;
    private MqttSession[] _sessions = [];
    private MqttApplicationMessage _message = null!;

    [Params(MqttQualityOfService.AtMostOnce, MqttQualityOfService.AtLeastOnce)]
    public MqttQualityOfService QoS { get; set; }

    [Params(1, 10)]
    public int Subscribers { get; set; }

    [Params(false, true)]
    public bool SubscriptionIds { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = new MqttBrokerOptions { QueueQoS0WhenOffline = true, MaxInflightMessages = 1000 };
        _broker = new MqttBroker(
            Microsoft.Extensions.Options.Options.Create(options),
            [],
            new InMemoryRetainedMessageStore(),
            new InMemorySessionStore(),
            NullLoggerFactory.Instance);
        _sessions = new MqttSession[Subscribers];
        for (var i = 0; i < Subscribers; i++)
        {
            _sessions[i] = new MqttSession($"subscriber-{i}", options);
            var filter = Filters[i % Filters.Length];
            _broker.Router.Subscriptions.Add(new Subscription(_sessions[i], filter, MqttQualityOfService.AtLeastOnce, false, false, MqttRetainHandling.SendAtSubscribe, SubscriptionIds ? (uint)(i + 1) : null));
        }

        var payload = new byte[64];
        new Random(42).NextBytes(payload);
        _message = new MqttApplicationMessage { Topic = new string("site/42/sensor/7"), Payload = payload, QoS = QoS, SenderClientId = "publisher" };
    }

    [Benchmark(OperationsPerInvoke = MessagesPerInvoke)]
    public int Publish()
    {
        var delivered = 0;
        for (var i = 0; i < MessagesPerInvoke; i++)
        {
            var result = _broker.Router.PublishAsync(_message, client: null).GetAwaiter().GetResult();
            delivered += result.Code == MqttReasonCode.Success ? 1 : 0;
        }

        foreach (var session in _sessions)
        {
            List<OutboundMessage>? expired = null;
            _taken.Clear();
            session.Outbox.TakeSendable(_taken, 256, TimeProvider.System, ref expired);
            foreach (var message in _taken)
            {
                if (message.QoS > MqttQualityOfService.AtMostOnce)
                {
                    session.Outbox.OnPubAck(message.PacketId); // Subscriptions are granted QoS 1: at most QoS 1 here.
                }
            }
        }

        return delivered;
    }
}
