using System.Net.Http.Json;
using System.Text.Json;
using Gmqtt.AspNetCore.Admin;
using Gmqtt.AspNetCore.Statistics;
using MQTTnet.Protocol;

namespace Gmqtt.AspNetCore.Tests.Admin;

/// <summary>/overview and /stats/history against live traffic.</summary>
public class AdminOverviewTests(AdminServerFactory server) : IClassFixture<AdminServerFactory>
{
    [Fact]
    public async Task Overview_reports_version_uptime_counts_and_counters()
    {
        using var http = server.Http();
        using var client = await server.ConnectAsync("overview-1");
        await client.SubscribeAsync("overview/#", MqttQualityOfServiceLevel.AtLeastOnce);
        await client.PublishAsync("overview/a", "one", MqttQualityOfServiceLevel.AtLeastOnce, retain: true);
        await client.ReceiveAsync();

        var overview = await http.GetFromJsonAsync<AdminOverview>("overview");

        Assert.False(string.IsNullOrWhiteSpace(overview!.Version));
        Assert.Equal(server.Broker.StartedAt, overview.StartedAt);
        Assert.InRange(overview.UptimeSeconds, 0, (DateTimeOffset.UtcNow - server.Broker.StartedAt).TotalSeconds + 1);
        Assert.True(overview.Connections >= 1 && overview.Sessions >= 1 && overview.Subscriptions >= 1 && overview.RetainedMessages >= 1, overview.ToString());
        Assert.True(overview.MessagesReceived >= 1 && overview.MessagesSent >= 1, overview.ToString());
        Assert.True(overview.BytesReceived > overview.MessagesReceived && overview.BytesSent > 0, overview.ToString());
    }

    [Fact]
    public async Task Overview_JSON_has_every_field_of_the_contract()
    {
        using var http = server.Http();
        var json = await http.GetFromJsonAsync<JsonElement>("overview");

        foreach (var name in new[] { "version", "startedAt", "uptimeSeconds", "connections", "sessions", "offlineSessions", "subscriptions",
                     "retainedMessages", "messagesReceived", "messagesSent", "bytesReceived", "bytesSent", "messagesDropped",
                     "messagesReceivedPerSecond", "messagesSentPerSecond" })
        {
            Assert.True(json.TryGetProperty(name, out _), $"overview has no '{name}': {json}");
        }
    }

    [Fact]
    public async Task History_shows_the_message_rate_of_live_traffic_and_overview_the_latest_rate()
    {
        using var http = server.Http();
        using var client = await server.ConnectAsync("history-1");

        // Keep publishing until a one-second sample has seen some of it (the sampler runs on real time here).
        List<MqttStatisticsSample>? history = null;
        await AdminAssert.EventuallyAsync(
            async () =>
            {
                await client.PublishAsync("history/x", "tick", MqttQualityOfServiceLevel.AtLeastOnce);
                history = await http.GetFromJsonAsync<List<MqttStatisticsSample>>("stats/history");
                return history!.Any(s => s.MessagesReceivedPerSecond > 0 && s.BytesReceivedPerSecond > 0 && s.Connections >= 1);
            },
            "a sample with messages received");

        Assert.Equal(history!.OrderBy(s => s.At), history);
        var json = await http.GetFromJsonAsync<JsonElement>("stats/history");
        Assert.Equal(
            ["at", "messagesReceivedPerSecond", "messagesSentPerSecond", "bytesReceivedPerSecond", "bytesSentPerSecond", "connections"],
            json[0].EnumerateObject().Select(p => p.Name));

        // The overview's rates are those of the latest sample, which the history fetched just after still holds.
        var overview = await http.GetFromJsonAsync<AdminOverview>("overview");
        var after = await http.GetFromJsonAsync<List<MqttStatisticsSample>>("stats/history");
        Assert.Contains(after!, s => s.MessagesReceivedPerSecond == overview!.MessagesReceivedPerSecond && s.MessagesSentPerSecond == overview.MessagesSentPerSecond &&
                                     s.BytesReceivedPerSecond == overview.BytesReceivedPerSecond && s.BytesSentPerSecond == overview.BytesSentPerSecond);
    }
}
