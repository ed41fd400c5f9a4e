using Gmqtt.Broker;

namespace Gmqtt;

public sealed partial class MqttBroker
{
    // Traffic of closed connections, and the lock that makes "closed total + live connections" consistent: a
    // connection is folded in and marked under it, so a reader never counts it twice nor misses it, and counters
    // never go backwards (Prometheus would read that as a reset). Taken once per closed connection and per read.
    private readonly Lock _trafficGate = new();
    private TrafficCounts _closedTraffic;

    /// <summary>
    /// The broker's counters now: cumulative traffic, drops and failures, and the current connections, sessions,
    /// subscriptions and retained messages. Costs a pass over the connections and sessions; meant for monitoring,
    /// not for every message.
    /// </summary>
    public MqttBrokerStatistics GetStatistics()
    {
        var traffic = GetTraffic();
        var (sessions, offline) = Sessions.CountSessions();
        return new MqttBrokerStatistics(
            traffic.MessagesReceived,
            traffic.MessagesSent,
            traffic.BytesReceived,
            traffic.BytesSent,
            Counters.TotalDrops,
            Counters.TotalConnectFailures,
            Counters.TotalAuthFailures,
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
}
