namespace Gmqtt.AspNetCore.Statistics;

/// <summary>
/// The broker's traffic over the last ten minutes, one <see cref="MqttStatisticsSample"/> per second: the rates
/// the admin API's overview and the dashboard's chart show. <c>AddGmqtt()</c> registers it with a hosted sampler.
/// </summary>
public sealed class GmqttStatisticsHistory
{
    /// <summary>Time between samples.</summary>
    internal static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>Ten minutes at one sample a second: a dashboard chart's span, for about 40 KB.</summary>
    internal const int Capacity = 600;

    private readonly Func<MqttBrokerStatistics> _source;
    private readonly TimeProvider _time;
    private readonly MqttStatisticsSample[] _ring = new MqttStatisticsSample[Capacity];
    private readonly Lock _gate = new();
    private int _next;
    private int _count;
    private (MqttBrokerStatistics Statistics, long Timestamp)? _previous;

    /// <summary>Creates the history of <paramref name="broker"/>; normally done by DI through <c>AddGmqtt()</c>.</summary>
    public GmqttStatisticsHistory(MqttBroker broker, TimeProvider timeProvider)
        : this(broker is null ? throw new ArgumentNullException(nameof(broker)) : broker.GetStatistics, timeProvider)
    {
    }

    internal GmqttStatisticsHistory(Func<MqttBrokerStatistics> source, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _source = source;
        _time = timeProvider;
    }

    /// <summary>The most recent sample, or <see langword="null"/> before the first one (a second after start).</summary>
    public MqttStatisticsSample? Latest
    {
        get
        {
            lock (_gate)
            {
                return _count == 0 ? null : _ring[(_next + Capacity - 1) % Capacity];
            }
        }
    }

    /// <summary>The samples kept, oldest first (a copy).</summary>
    public IReadOnlyList<MqttStatisticsSample> GetSamples()
    {
        lock (_gate)
        {
            var samples = new MqttStatisticsSample[_count];
            var first = (_next + Capacity - _count) % Capacity;
            for (var i = 0; i < _count; i++)
            {
                samples[i] = _ring[(first + i) % Capacity];
            }

            return samples;
        }
    }

    /// <summary>
    /// Reads the broker's counters and records the rates since the previous call, over the time that really passed
    /// (a late timer tick does not inflate them). The first call only sets the baseline.
    /// </summary>
    internal void Sample()
    {
        var statistics = _source();
        var timestamp = _time.GetTimestamp();
        var at = _time.GetUtcNow();
        lock (_gate)
        {
            if (_previous is var (before, then))
            {
                var seconds = _time.GetElapsedTime(then, timestamp).TotalSeconds;
                if (seconds <= 0)
                {
                    return;
                }

                _ring[_next] = new MqttStatisticsSample(
                    at,
                    (statistics.MessagesReceived - before.MessagesReceived) / seconds,
                    (statistics.MessagesSent - before.MessagesSent) / seconds,
                    (statistics.BytesReceived - before.BytesReceived) / seconds,
                    (statistics.BytesSent - before.BytesSent) / seconds,
                    statistics.Connections);
                _next = (_next + 1) % Capacity;
                _count = Math.Min(_count + 1, Capacity);
            }

            _previous = (statistics, timestamp);
        }
    }
}
