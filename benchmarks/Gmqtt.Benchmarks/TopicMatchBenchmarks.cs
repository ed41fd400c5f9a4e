using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Gmqtt.Protocol.Topics;

namespace Gmqtt.Benchmarks;

/// <summary>
/// <see cref="MqttTopic.Matches"/> on a seven-level topic. Topics and filters are fields, not constants, so the JIT
/// cannot fold a call away (with constants the '$SYS' vs '#' case compiled to "return false").
/// </summary>
// A short job (1 launch, 3 warmup, 8 measured iterations) keeps the suite to minutes on a shared 2-core machine.
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 3, iterationCount: 8)]
[MemoryDiagnoser]
public class TopicMatchBenchmarks
{
    private string _topic = "building/7/floor/3/room/12/temperature";
    private string _exact = "building/7/floor/3/room/12/temperature";
    private string _plus = "building/+/floor/+/room/+/temperature";
    private string _hashTail = "building/7/#";
    private string _otherLast = "building/7/floor/3/room/12/humidity";
    private string _sysTopic = "$SYS/broker/clients/connected";
    private string _hash = "#";
    private string _sysFilter = "$SYS/broker/+/connected";

    [GlobalSetup]
    public void Setup()
    {
        // Distinct string instances, as they would arrive from the wire.
        _topic = new string(_topic);
        _exact = new string(_exact);
        _plus = new string(_plus);
        _hashTail = new string(_hashTail);
        _otherLast = new string(_otherLast);
        _sysTopic = new string(_sysTopic);
        _hash = new string(_hash);
        _sysFilter = new string(_sysFilter);
    }

    [Benchmark]
    public bool Exact() => MqttTopic.Matches(_topic, _exact);

    [Benchmark]
    public bool SingleLevelWildcards() => MqttTopic.Matches(_topic, _plus);

    [Benchmark]
    public bool MultiLevelWildcard() => MqttTopic.Matches(_topic, _hashTail);

    [Benchmark]
    public bool NoMatch_LastLevel() => MqttTopic.Matches(_topic, _otherLast);

    /// <summary>'#' must not match a '$SYS' topic [MQTT-4.7.2-1]: rejected on the first character.</summary>
    [Benchmark]
    public bool Sys_HashFilter() => MqttTopic.Matches(_sysTopic, _hash);

    [Benchmark]
    public bool Sys_ExplicitFilter() => MqttTopic.Matches(_sysTopic, _sysFilter);
}
