using Gmqtt.AspNetCore.Admin;
using Gmqtt.AspNetCore.Statistics;

namespace Gmqtt.AspNetCore.Dashboard;

/// <summary>
/// What the dashboard's event stream (<c>GET {dashboard}/events</c>) pushes every second: the admin API's overview
/// (<c>GET {admin}/overview</c>) for the page's figures, and the statistics history's newest sample, which the page's
/// chart appends to the history it loaded (<c>GET {admin}/stats/history</c>).
/// </summary>
/// <param name="Overview">Counts, counters and current rates.</param>
/// <param name="Sample">The newest one-second sample, or <see langword="null"/> before the first.</param>
internal sealed record DashboardSnapshot(AdminOverview Overview, MqttStatisticsSample? Sample)
{
    public static DashboardSnapshot Create(MqttBroker broker, GmqttStatisticsHistory history) =>
        new(AdminEndpoints.GetOverview(broker, history).Value!, history.Latest);
}
