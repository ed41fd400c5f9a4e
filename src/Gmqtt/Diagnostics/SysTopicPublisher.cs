using System.Globalization;
using System.Text;
using Gmqtt.Protocol;

namespace Gmqtt.Diagnostics;

/// <summary>
/// Publishes the broker's state under <c>$SYS/broker/</c> every <see cref="MqttBrokerOptions.SysInterval"/>, retained,
/// with Mosquitto's topic names and formats so that existing tools read them unchanged. Clients cannot publish under
/// <see cref="Root"/> (see <c>MqttConnection.HandlePublishAsync</c>), and a wildcard filter such as <c>#</c> does not
/// match them [MQTT-4.7.2-1].
/// </summary>
/// <remarks>
/// The load topics are Mosquitto's: per-minute rates smoothed exponentially over one, five and fifteen minutes,
/// computed from the counters' change since the previous update, so they cost nothing between updates.
/// </remarks>
internal sealed class SysTopicPublisher : IDisposable
{
    /// <summary>The tree the broker publishes and clients may not publish to.</summary>
    public const string Root = "$SYS/broker";

    public const string Prefix = Root + "/";

    /// <summary>Whether the topic is one of the broker's own <c>$SYS/broker</c> values.</summary>
    internal static bool IsBrokerSysTopic(string topic) =>
        topic.StartsWith(Root, StringComparison.Ordinal) && (topic.Length == Root.Length || topic[Root.Length] == '/');

    private static readonly (string Suffix, double Seconds)[] LoadWindows = [("1min", 60), ("5min", 300), ("15min", 900)];

    private readonly MqttBroker _broker;
    private readonly ITimer _timer;
    private readonly Dictionary<string, Load> _loads = new(StringComparer.Ordinal);
    private long _lastUpdate;
    private int _publishing;

    public SysTopicPublisher(MqttBroker broker, TimeSpan interval)
    {
        _broker = broker;
        _lastUpdate = broker.TimeProvider.GetTimestamp();
        _timer = broker.TimeProvider.CreateTimer(static s => ((SysTopicPublisher)s!).OnTick(), this, interval, interval);
    }

    /// <summary>Every topic an update publishes, in order.</summary>
    public static IReadOnlyList<string> Topics { get; } = [.. Values(null).Select(v => v.Topic)];

    public void Dispose() => _timer.Dispose();

    private void OnTick()
    {
        // A slow update (hooks on delivery, a busy machine) is not overtaken by the next one.
        if (Interlocked.Exchange(ref _publishing, 1) == 0)
        {
            _broker.Background.Track(PublishAsync());
        }
    }

    /// <summary>Publishes every value once; internal so that a test can drive it without a timer.</summary>
    internal async Task PublishAsync()
    {
        try
        {
            foreach (var (topic, value) in Values(this))
            {
                var message = new MqttApplicationMessage
                {
                    Topic = topic,
                    Payload = Encoding.UTF8.GetBytes(value),
                    QoS = MqttQualityOfService.AtMostOnce,
                    Retain = true,
                };
                await _broker.Router.PublishSysAsync(message).ConfigureAwait(false);
            }
        }
        finally
        {
            Volatile.Write(ref _publishing, 0);
        }
    }

    /// <summary>
    /// The topics and their values (<paramref name="publisher"/> null: the topic names only, with empty values).
    /// </summary>
    private static IEnumerable<(string Topic, string Value)> Values(SysTopicPublisher? publisher)
    {
        var broker = publisher?._broker;
        var statistics = broker?.GetStatistics();
        var traffic = broker?.GetTraffic() ?? default;
        var (queued, inflight) = broker?.Sessions.CountQueued() ?? default;
        var elapsed = publisher?.Elapsed() ?? 0;

        yield return (Prefix + "version", $"gmqtt version {MqttBroker.Version}");
        yield return (Prefix + "uptime", broker is null ? "" : $"{(long)broker.Uptime.TotalSeconds} seconds");

        var online = statistics is null ? 0 : statistics.Sessions - statistics.OfflineSessions;
        yield return (Prefix + "clients/connected", Format(online));
        yield return (Prefix + "clients/disconnected", Format(statistics?.OfflineSessions));
        yield return (Prefix + "clients/total", Format(statistics?.Sessions));
        yield return (Prefix + "clients/maximum", Format(broker?.Counters.MaxConnections));

        yield return (Prefix + "subscriptions/count", Format(statistics?.Subscriptions));
        yield return (Prefix + "retained messages/count", Format(statistics?.RetainedMessages));
        yield return (Prefix + "messages/stored", Format(statistics?.RetainedMessages + queued + inflight));

        yield return (Prefix + "messages/received", Format(traffic.PacketsReceived));
        yield return (Prefix + "messages/sent", Format(traffic.PacketsSent));
        yield return (Prefix + "publish/messages/received", Format(statistics?.MessagesReceived));
        yield return (Prefix + "publish/messages/sent", Format(statistics?.MessagesSent));
        yield return (Prefix + "publish/messages/dropped", Format(statistics?.MessagesDropped));
        yield return (Prefix + "bytes/received", Format(statistics?.BytesReceived));
        yield return (Prefix + "bytes/sent", Format(statistics?.BytesSent));

        (string Name, long Count)[] rates =
        [
            ("messages/received", traffic.PacketsReceived),
            ("messages/sent", traffic.PacketsSent),
            ("publish/received", statistics?.MessagesReceived ?? 0),
            ("publish/sent", statistics?.MessagesSent ?? 0),
            ("bytes/received", statistics?.BytesReceived ?? 0),
            ("bytes/sent", statistics?.BytesSent ?? 0),
            ("connections", broker?.Counters.ConnectsReceived ?? 0),
            ("sockets", broker?.Counters.ConnectionsOpened ?? 0),
        ];
        foreach (var (name, count) in rates)
        {
            var load = publisher?.UpdateLoad(name, count, elapsed);
            for (var i = 0; i < LoadWindows.Length; i++)
            {
                var value = load is null ? "" : load.Averages[i].ToString("F2", CultureInfo.InvariantCulture);
                yield return ($"{Prefix}load/{name}/{LoadWindows[i].Suffix}", value);
            }
        }
    }

    private static string Format(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    /// <summary>Seconds since the previous update (the first: since the broker started).</summary>
    private double Elapsed()
    {
        var now = _broker.TimeProvider.GetTimestamp();
        var elapsed = _broker.TimeProvider.GetElapsedTime(_lastUpdate, now).TotalSeconds;
        _lastUpdate = now;
        return elapsed;
    }

    /// <summary>
    /// Mosquitto's load: the per-minute rate over the last interval, folded into an exponential moving average
    /// per window (weight e^(-elapsed/window) on the old value).
    /// </summary>
    private Load UpdateLoad(string name, long count, double elapsed)
    {
        if (!_loads.TryGetValue(name, out var load))
        {
            _loads[name] = load = new Load { Last = 0 };
        }

        if (elapsed > 0)
        {
            var perMinute = (count - load.Last) * 60 / elapsed;
            for (var i = 0; i < LoadWindows.Length; i++)
            {
                var keep = Math.Exp(-elapsed / LoadWindows[i].Seconds);
                load.Averages[i] = (load.Averages[i] * keep) + (perMinute * (1 - keep));
            }
        }

        load.Last = count;
        return load;
    }

    private sealed class Load
    {
        public long Last { get; set; }

        public double[] Averages { get; } = new double[LoadWindows.Length];
    }
}
