using System.Diagnostics.Metrics;
using Gmqtt.Hooks;
using Gmqtt.Protocol;

namespace Gmqtt.Diagnostics;

/// <summary>
/// The broker's <see cref="Meter"/>, named <see cref="MeterName"/>. Every instrument but the hook duration is
/// observable: it reads the broker's counters when a listener collects (a Prometheus scrape, dotnet-counters),
/// so the message path pays nothing for metrics.
/// </summary>
/// <remarks>
/// Names and units follow the OpenTelemetry conventions: dotted lower-case names under the <c>gmqtt.</c>
/// namespace, UCUM units ("By", "s") and curly-brace annotations for counts ("{message}"). Cumulative values are
/// counters; current values (connections, queue depth…) are up-down counters, as OpenTelemetry's own
/// <c>kestrel.active_connections</c>.
/// </remarks>
internal sealed class MqttBrokerMetrics : IDisposable
{
    /// <summary>The meter's name, what <c>AddMeter("Gmqtt")</c> and <c>dotnet-counters --counters Gmqtt</c> select.</summary>
    public const string MeterName = "Gmqtt";

    private static readonly KeyValuePair<string, object?>[][] QoSTags =
        [[new("qos", "0")], [new("qos", "1")], [new("qos", "2")]];

    private static readonly KeyValuePair<string, object?>[] Online = [new("state", "online")];
    private static readonly KeyValuePair<string, object?>[] Offline = [new("state", "offline")];

    private static readonly (MqttDropReason Reason, KeyValuePair<string, object?>[] Tags)[] DropReasons =
        [.. Enum.GetValues<MqttDropReason>().Select(r => (r, new[] { new KeyValuePair<string, object?>("reason", SnakeCase(r.ToString())) }))];

    private static readonly KeyValuePair<string, object?>[]?[] ReasonCodeTags = new KeyValuePair<string, object?>[]?[256];

    private readonly bool _ownsMeter;

    public MqttBrokerMetrics(MqttBroker broker, IMeterFactory? meterFactory)
    {
        _ownsMeter = meterFactory is null;
        Meter = meterFactory?.Create(MeterName, MqttBroker.Version) ?? new Meter(MeterName, MqttBroker.Version);

        Meter.CreateObservableUpDownCounter("gmqtt.connections", () => broker.ConnectionCount, "{connection}",
            "Open MQTT connections, including those that have not sent CONNECT yet.");
        Meter.CreateObservableUpDownCounter("gmqtt.sessions", () => ObserveSessions(broker), "{session}",
            "Sessions by state: online (a connection is attached) or offline (kept for a persistent client).");
        Meter.CreateObservableUpDownCounter("gmqtt.subscriptions", () => broker.SubscriptionCount, "{subscription}",
            "Subscriptions over all sessions.");
        Meter.CreateObservableCounter("gmqtt.messages.received", () => ByQoS(broker.GetTraffic().PublishReceived), "{message}",
            "PUBLISH packets received from clients, by QoS.");
        Meter.CreateObservableCounter("gmqtt.messages.sent", () => ByQoS(broker.GetTraffic().PublishSent), "{message}",
            "PUBLISH packets sent to clients, by QoS.");
        Meter.CreateObservableCounter("gmqtt.bytes.received", () => broker.GetTraffic().BytesReceived, "By",
            "MQTT bytes received from clients.");
        Meter.CreateObservableCounter("gmqtt.bytes.sent", () => broker.GetTraffic().BytesSent, "By",
            "MQTT bytes sent to clients.");
        Meter.CreateObservableCounter("gmqtt.messages.dropped", () => ObserveDrops(broker), "{message}",
            "Messages that did not reach a subscriber, by reason.");
        Meter.CreateObservableUpDownCounter("gmqtt.queue.depth", () => broker.Sessions.CountQueued().Queued, "{message}",
            "Messages waiting in session queues behind the in-flight window.");
        Meter.CreateObservableUpDownCounter("gmqtt.inflight", () => broker.Sessions.CountQueued().Inflight, "{message}",
            "QoS 1/2 messages sent to clients and not yet acknowledged.");
        Meter.CreateObservableUpDownCounter("gmqtt.retained.messages", () => broker.RetainedMessages.Count, "{message}",
            "Retained messages.");
        Meter.CreateObservableCounter("gmqtt.connect.failures", () => ByReasonCode(broker.Counters.GetConnectFailures()), "{failure}",
            "CONNECT attempts answered with a failing CONNACK, by reason code (e.g. not_authorized, client_identifier_not_valid).");
        Meter.CreateObservableCounter("gmqtt.auth.failures", () => ByReasonCode(broker.Counters.GetAuthFailures()), "{failure}",
            "Failed authentications (bad user name or password, not authorized, enhanced authentication or re-authentication), by reason code.");
        HookDuration = Meter.CreateHistogram<double>("gmqtt.hook.duration", "s",
            "Time spent in the registered hooks per event, by hook method.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5] });
    }

    public Meter Meter { get; }

    /// <summary>Seconds spent in the hooks for one event, tagged <c>hook</c> with the <see cref="IMqttHook"/> method name.</summary>
    public Histogram<double> HookDuration { get; }

    /// <summary>The tag value of a reason code: its name in snake case, e.g. <c>bad_user_name_or_password</c>.</summary>
    public static string ReasonName(MqttReasonCode code) => SnakeCase(code.ToString());

    public void Dispose()
    {
        // A meter from IMeterFactory belongs to the factory, which disposes it with the container.
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }

    private static Measurement<int>[] ObserveSessions(MqttBroker broker)
    {
        var (sessions, offline) = broker.Sessions.CountSessions();
        return [new(sessions - offline, Online), new(offline, Offline)];
    }

    private static Measurement<long>[] ByQoS(Broker.TrafficCounts.QoSCounts counts) =>
        [new(counts[0], QoSTags[0]), new(counts[1], QoSTags[1]), new(counts[2], QoSTags[2])];

    private static Measurement<long>[] ObserveDrops(MqttBroker broker) =>
        [.. DropReasons.Select(d => new Measurement<long>(broker.Counters.GetDrops(d.Reason), d.Tags))];

    /// <summary>
    /// The reason codes that occurred, and always the two authentication refusals, at 0 if need be: the series then
    /// exist from the start, so that an alert on their rate works before the first failure.
    /// </summary>
    private static IEnumerable<Measurement<long>> ByReasonCode(IEnumerable<(MqttReasonCode Code, long Count)> counts)
    {
        var seen = counts.ToDictionary(c => c.Code, c => c.Count);
        seen.TryAdd(MqttReasonCode.BadUserNameOrPassword, 0);
        seen.TryAdd(MqttReasonCode.NotAuthorized, 0);
        return seen.Select(c => new Measurement<long>(c.Value, ReasonCodeTags[(byte)c.Key] ??= [new("reason", ReasonName(c.Key))]));
    }

    /// <summary><c>BadUserNameOrPassword</c> → <c>bad_user_name_or_password</c>, <c>OfflineQoS0</c> → <c>offline_qos0</c>.</summary>
    private static string SnakeCase(string name)
    {
        name = name.Replace("QoS", "Qos", StringComparison.Ordinal);
        var builder = new System.Text.StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }
}
