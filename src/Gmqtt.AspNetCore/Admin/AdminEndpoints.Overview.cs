using System.Reflection;
using Gmqtt.AspNetCore.Statistics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Gmqtt.AspNetCore.Admin;

internal static partial class AdminEndpoints
{
    private static readonly string Version =
        typeof(MqttBroker).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public static void MapOverview(RouteGroupBuilder group)
    {
        group.MapGet("/overview", GetOverview)
            .WithName("GmqttGetOverview")
            .WithSummary("The broker at a glance: version, uptime, counts, traffic counters and current rates");

        group.MapGet("/stats/history", ([FromServices] GmqttStatisticsHistory history) => TypedResults.Ok(history.GetSamples()))
            .WithName("GmqttGetStatisticsHistory")
            .WithSummary("Per-second traffic rates and connections over the last ten minutes, oldest first");
    }

    internal static Ok<AdminOverview> GetOverview([FromServices] MqttBroker broker, [FromServices] GmqttStatisticsHistory history)
    {
        var statistics = broker.GetStatistics();
        var rates = history.Latest;
        return TypedResults.Ok(new AdminOverview(
            Version,
            broker.StartedAt,
            broker.Uptime.TotalSeconds,
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
            statistics.ConnectFailures,
            statistics.AuthFailures,
            rates?.MessagesReceivedPerSecond ?? 0,
            rates?.MessagesSentPerSecond ?? 0,
            rates?.BytesReceivedPerSecond ?? 0,
            rates?.BytesSentPerSecond ?? 0));
    }
}
