using System.Globalization;
using System.Text.RegularExpressions;
using Gmqtt.AspNetCore.Tests.Infrastructure;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Gmqtt.AspNetCore.Tests.Operations;

/// <summary>
/// Runs alone (<see cref="MetricsCollection"/>): OpenTelemetry selects meters by name for the whole process, so the
/// "Gmqtt" meters of other test servers alive at the same time would be exported by this server's /metrics too.
/// </summary>
[Collection(MetricsCollection.Name)]
public partial class MetricsEndpointTests(OperationsServerFixture server) : IClassFixture<OperationsServerFixture>
{
    /// <summary>
    /// What the OpenTelemetry Prometheus exporter makes of each instrument (dots become underscores, the unit "By"
    /// or "s" becomes a suffix, "{...}" units are dropped, counters end in "_total"), as the README documents them.
    /// </summary>
    public static readonly string[] ExportedNames =
    [
        "gmqtt_connections",
        "gmqtt_sessions",
        "gmqtt_subscriptions",
        "gmqtt_messages_received_total",
        "gmqtt_messages_sent_total",
        "gmqtt_bytes_received_bytes_total",
        "gmqtt_bytes_sent_bytes_total",
        "gmqtt_messages_dropped_total",
        "gmqtt_queue_depth",
        "gmqtt_inflight",
        "gmqtt_retained_messages",
        "gmqtt_connect_failures_total",
        "gmqtt_auth_failures_total",
        "gmqtt_hook_duration_seconds",
    ];

    [Fact]
    public async Task Metrics_lists_every_documented_instrument_after_MQTT_traffic()
    {
        var options = MqttnetClient.Options(server, "tcp", MqttProtocolVersion.V500, "metrics-client").WithCredentials(OperationsServerFixture.UserName, OperationsServerFixture.Password).Build();
        using var client = await MqttnetClient.ConnectAsync(options);
        await client.SubscribeAsync("metrics/#", MqttQualityOfServiceLevel.AtLeastOnce);
        await client.PublishAsync("metrics/a", "hello", MqttQualityOfServiceLevel.AtLeastOnce);
        await client.ReceiveAsync();
        using (var refused = new MqttnetClient())
        {
            var result = await refused.Client.ConnectAsync(MqttnetClient.Options(server, "tcp", MqttProtocolVersion.V500, "metrics-wrong").WithCredentials(OperationsServerFixture.UserName, "wrong").Build());
            Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, result.ResultCode);
        }

        using var http = server.CreateHttpClient();
        var text = await http.GetStringAsync("/metrics");

        var exported = TypeLine().Matches(text).Select(m => m.Groups["name"].Value).ToHashSet();
        Assert.Superset(ExportedNames.ToHashSet(), exported);

        // Values, not just names (this server is alone in the process): one PUBLISH in and one out at QoS 1, one
        // subscription, one client online, the refused password under its reason.
        Assert.Equal(1, Sample(text, "gmqtt_messages_received_total", "qos=\"1\""));
        Assert.Equal(1, Sample(text, "gmqtt_messages_sent_total", "qos=\"1\""));
        Assert.Equal(1, Sample(text, "gmqtt_subscriptions"));
        Assert.Equal(1, Sample(text, "gmqtt_sessions", "state=\"online\""));
        Assert.Equal(1, Sample(text, "gmqtt_auth_failures_total", "reason=\"bad_user_name_or_password\""));
        Assert.Equal(1, Sample(text, "gmqtt_connect_failures_total", "reason=\"bad_user_name_or_password\""));
        Assert.True(Sample(text, "gmqtt_bytes_received_bytes_total") > 0);
        Assert.Contains("gmqtt_hook_duration_seconds_bucket{", text, StringComparison.Ordinal);
    }

    /// <summary>The value of the first sample of <paramref name="name"/> whose labels contain <paramref name="label"/>.</summary>
    private static double Sample(string text, string name, string? label = null)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(name, StringComparison.Ordinal) && (line.Length > name.Length && line[name.Length] is '{' or ' ') &&
                (label is null || line.Contains(label, StringComparison.Ordinal)))
            {
                var value = line.Split(' ')[^1];
                return double.Parse(value, CultureInfo.InvariantCulture);
            }
        }

        throw new Xunit.Sdk.XunitException($"No sample of {name} {label} in:\n{text}");
    }

    [GeneratedRegex(@"^# TYPE (?<name>\S+) ", RegexOptions.Multiline)]
    private static partial Regex TypeLine();
}
