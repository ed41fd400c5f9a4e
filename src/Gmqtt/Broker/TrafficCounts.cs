using System.Runtime.CompilerServices;
using Gmqtt.Protocol;

namespace Gmqtt.Broker;

/// <summary>
/// Bytes and PUBLISH packets in and out. A connection keeps one, written without synchronisation: the read loop
/// alone writes the received side, the write loop alone the sent side. The broker sums them on demand and folds a
/// closed connection's into its own total (<see cref="MqttBroker.FoldTraffic"/>), so no message pays for an
/// interlocked operation.
/// </summary>
internal struct TrafficCounts
{
    public long BytesReceived;
    public QoSCounts PublishReceived;
    public long BytesSent;
    public QoSCounts PublishSent;

    public readonly long MessagesReceived => PublishReceived.Total;

    public readonly long MessagesSent => PublishSent.Total;

    /// <summary>Adds <paramref name="other"/>, read with volatile loads: it may belong to a live connection.</summary>
    public void Add(ref TrafficCounts other)
    {
        BytesReceived += Volatile.Read(ref other.BytesReceived);
        BytesSent += Volatile.Read(ref other.BytesSent);
        for (var qos = 0; qos < QoSCounts.Length; qos++)
        {
            PublishReceived[qos] += Volatile.Read(ref other.PublishReceived[qos]);
            PublishSent[qos] += Volatile.Read(ref other.PublishSent[qos]);
        }
    }

    /// <summary>One counter per QoS level, indexed by the QoS.</summary>
    [InlineArray(Length)]
    public struct QoSCounts
    {
        public const int Length = 3;

        private long _element;

        public readonly long Total
        {
            get
            {
                long total = 0;
                foreach (var count in this)
                {
                    total += count;
                }

                return total;
            }
        }

        public void Increment(MqttQualityOfService qos) => this[(int)qos]++;
    }
}
