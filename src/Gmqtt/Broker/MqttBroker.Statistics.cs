using Gmqtt.Broker;
using Gmqtt.Hooks;
using Gmqtt.Protocol;

namespace Gmqtt;

public sealed partial class MqttBroker
{
    // Traffic of closed connections, and the lock that makes "closed total + live connections" consistent: a
    // connection is folded in and marked under it, so a reader never counts it twice nor misses it, and counters
    // never go backwards (Prometheus would read that as a reset). Taken once per closed connection and per read.
    private readonly Lock _trafficGate = new();
    private TrafficCounts _closedTraffic;

    // Rare events, counted with interlocked increments: drops by MqttDropReason, connect and auth failures by
    // reason code.
    private readonly long[] _drops = new long[Enum.GetValues<MqttDropReason>().Length];
    private readonly long[] _connectFailures = new long[256];
    private readonly long[] _authFailures = new long[256];

    /// <summary>
    /// The broker's counters now: cumulative traffic, drops and failures, and the current connections, sessions,
    /// subscriptions and retained messages. Costs a pass over the connections and sessions; meant for monitoring,
    /// not for every message.
    /// </summary>
    public MqttBrokerStatistics GetStatistics()
    {
        var traffic = GetTraffic();
        var (sessions, offline) = CountSessions();
        return new MqttBrokerStatistics(
            traffic.MessagesReceived,
            traffic.MessagesSent,
            traffic.BytesReceived,
            traffic.BytesSent,
            Sum(_drops),
            Sum(_connectFailures),
            Sum(_authFailures),
            ConnectionCount,
            sessions,
            offline,
            SubscriptionCount,
            RetainedMessages.Count);
    }

    /// <summary>Bytes and PUBLISH packets in and out by QoS, closed connections included.</summary>
    internal TrafficCounts GetTraffic()
    {
        lock (_trafficGate)
        {
            var total = _closedTraffic;
            foreach (var (connection, _) in _connections)
            {
                if (!connection.TrafficFolded)
                {
                    total.Add(ref connection.Traffic);
                }
            }

            return total;
        }
    }

    /// <summary>A connection ended: its traffic moves into the closed total. Once per connection, after both loops stopped.</summary>
    internal void FoldTraffic(MqttConnection connection)
    {
        lock (_trafficGate)
        {
            _closedTraffic.Add(ref connection.Traffic);
            connection.TrafficFolded = true;
        }
    }

    internal (int Sessions, int Offline) CountSessions()
    {
        int sessions = 0, offline = 0;
        foreach (var (_, session) in _sessions)
        {
            sessions++;
            if (session.Connection is null)
            {
                offline++;
            }
        }

        return (sessions, offline);
    }

    /// <summary>Messages queued and in flight over all sessions.</summary>
    internal (long Queued, long Inflight) CountQueued()
    {
        long queued = 0, inflight = 0;
        foreach (var (_, session) in _sessions)
        {
            queued += session.QueuedCount;
            inflight += session.InflightCount;
        }

        return (queued, inflight);
    }

    internal void CountDrop(MqttDropReason reason) => Interlocked.Increment(ref _drops[(int)reason]);

    internal void CountDrops(MqttDropReason reason, int count)
    {
        if (count > 0)
        {
            Interlocked.Add(ref _drops[(int)reason], count);
        }
    }

    /// <summary>A CONNECT answered with a failing CONNACK; an authentication failure too when <paramref name="authFailure"/>.</summary>
    internal void CountConnectFailure(MqttReasonCode code, bool authFailure)
    {
        Interlocked.Increment(ref _connectFailures[(byte)code]);
        if (authFailure)
        {
            CountAuthFailure(code);
        }
    }

    internal void CountAuthFailure(MqttReasonCode code) => Interlocked.Increment(ref _authFailures[(byte)code]);

    /// <summary>Drops so far, by reason.</summary>
    internal long GetDrops(MqttDropReason reason) => Volatile.Read(ref _drops[(int)reason]);

    /// <summary>Each reason code with its count, for those that occurred.</summary>
    internal IEnumerable<(MqttReasonCode Code, long Count)> GetConnectFailures() => NonZero(_connectFailures);

    /// <summary>Each reason code with its count, for those that occurred.</summary>
    internal IEnumerable<(MqttReasonCode Code, long Count)> GetAuthFailures() => NonZero(_authFailures);

    private static IEnumerable<(MqttReasonCode, long)> NonZero(long[] counts)
    {
        for (var code = 0; code < counts.Length; code++)
        {
            var count = Volatile.Read(ref counts[code]);
            if (count > 0)
            {
                yield return ((MqttReasonCode)code, count);
            }
        }
    }

    private static long Sum(long[] counts)
    {
        long total = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            total += Volatile.Read(ref counts[i]);
        }

        return total;
    }
}
