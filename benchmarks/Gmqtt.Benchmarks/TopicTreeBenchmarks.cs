using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Gmqtt.Broker;
using Gmqtt.Protocol;
using Gmqtt.Subscriptions;

namespace Gmqtt.Benchmarks;

/// <summary>
/// <see cref="SubscriptionTree.Match"/> for one topic, <c>site/42/sensor/7</c>, in a tree of 10, 10,000 or 100,000
/// subscriptions. Six always match (two exact, <c>site/+/sensor/7</c>, <c>site/42/#</c>, <c>+/42/sensor/+</c>,
/// <c>#</c>); the rest are a mix that never does: 70 % exact <c>site/{s}/sensor/{j}</c>, 15 % with <c>+</c>, 5 % with
/// <c>#</c>, 5 % <c>$SYS/…</c> and 5 % deeper filters, over 1,000 sessions at most. Routing cost per message should
/// not grow with the number of subscriptions that do not match.
/// </summary>
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 3, iterationCount: 8)]
[MemoryDiagnoser]
public class TopicTreeBenchmarks
{
    private readonly SubscriptionTree _tree = new();
    private readonly List<Subscription> _matches = [];
    private string _topic = "site/42/sensor/7";

    [Params(10, 10_000, 100_000)]
    public int Subscriptions { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = new MqttBrokerOptions();
        var sessions = new MqttSession[Math.Min(Subscriptions, 1000)];
        for (var i = 0; i < sessions.Length; i++)
        {
            sessions[i] = new MqttSession($"client-{i}", options);
        }

        string[] matching = ["site/42/sensor/7", "site/42/sensor/7", "site/+/sensor/7", "site/42/#", "+/42/sensor/+", "#"];
        for (var i = 0; i < Subscriptions; i++)
        {
            var filter = i < matching.Length ? matching[i] : Background(i);
            _tree.Add(new Subscription(sessions[i % sessions.Length], filter, MqttQualityOfService.AtLeastOnce, false, false, MqttRetainHandling.SendAtSubscribe, null));
        }

        _topic = new string(_topic); // A distinct instance, as it would arrive from the wire.
        _matches.Clear();
        _tree.Match(_topic, _matches);
        if (_matches.Count != matching.Length)
        {
            throw new InvalidOperationException($"{_matches.Count} subscriptions match, {matching.Length} expected.");
        }
    }

    [Benchmark]
    public int Match()
    {
        _matches.Clear();
        _tree.Match(_topic, _matches);
        return _matches.Count;
    }

    /// <summary>A filter that does not match <c>site/42/sensor/7</c>: site numbers start at 1,000.</summary>
    private static string Background(int i)
    {
        var site = 1000 + (i / 50);
        var sensor = i % 50;
        return (i % 20) switch
        {
            < 14 => $"site/{site}/sensor/{sensor}",
            14 or 15 => $"site/{site}/+/{sensor}",
            16 => $"+/{site}/sensor/{sensor}",
            17 => $"site/{site}/#",
            18 => $"$SYS/broker/clients/{i}",
            _ => $"site/{site}/sensor/{sensor}/+/alarm",
        };
    }
}
