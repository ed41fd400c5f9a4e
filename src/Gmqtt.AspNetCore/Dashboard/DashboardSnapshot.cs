using System.Reflection;

namespace Gmqtt.AspNetCore.Dashboard;

/// <summary>
/// The overview the dashboard's event stream (<c>GET {dashboard}/events</c>) pushes every second: the admin API's
/// overview fields plus the time of the sample and byte rates, so the page can extend its chart from it.
/// </summary>
internal sealed record DashboardSnapshot(
    DateTimeOffset At,
    string Version,
    DateTimeOffset StartedAt,
    long UptimeSeconds,
    int Connections,
    int Sessions,
    int OfflineSessions,
    int Subscriptions,
    int RetainedMessages,
    long MessagesReceived,
    long MessagesSent,
    long BytesReceived,
    long BytesSent,
    long MessagesDropped,
    double MessagesReceivedPerSecond,
    double MessagesSentPerSecond,
    double BytesReceivedPerSecond,
    double BytesSentPerSecond)
{
    // "1.2.3+commit" → "1.2.3": the build metadata is noise on a dashboard.
    private static readonly string BrokerVersion =
        typeof(MqttBroker).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(MqttBroker).Assembly.GetName().Version?.ToString() ?? "";

    /// <summary>Counts from the broker now; rates from the history's latest one-second sample (0 before the first).</summary>
    public static DashboardSnapshot Create(MqttBroker broker, GmqttStatisticsHistory history, DateTimeOffset now)
    {
        var statistics = broker.GetStatistics();
        var samples = history.GetSamples();
        var rates = samples.Count > 0 ? samples[^1] : null;
        return new DashboardSnapshot(
            now,
            BrokerVersion,
            broker.StartedAt,
            (long)(now - broker.StartedAt).TotalSeconds,
            statistics.Connections,
            statistics.Sessions,
            statistics.OfflineSessions,
            statistics.Subscriptions,
            statistics.RetainedMessages,
            statistics.MessagesReceived,
            statistics.MessagesSent,
            statistics.BytesReceived,
            statistics.BytesSent,
            statistics.MessagesDropped,
            rates?.MessagesReceivedPerSecond ?? 0,
            rates?.MessagesSentPerSecond ?? 0,
            rates?.BytesReceivedPerSecond ?? 0,
            rates?.BytesSentPerSecond ?? 0);
    }
}
