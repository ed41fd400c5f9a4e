using Gmqtt.Hooks;
using Gmqtt.Protocol;

namespace Gmqtt.Tests;

public class MetricsTests
{
    [Fact]
    public async Task The_Gmqtt_meter_has_every_documented_instrument_with_its_unit()
    {
        await using var harness = new BrokerHarness();
        using var capture = new MeterCapture(harness.Broker.Metrics.Meter);

        Assert.Equal("Gmqtt", harness.Broker.Metrics.Meter.Name);
        Assert.Equal(
            new Dictionary<string, string?>
            {
                ["gmqtt.connections"] = "{connection}",
                ["gmqtt.sessions"] = "{session}",
                ["gmqtt.subscriptions"] = "{subscription}",
                ["gmqtt.messages.received"] = "{message}",
                ["gmqtt.messages.sent"] = "{message}",
                ["gmqtt.bytes.received"] = "By",
                ["gmqtt.bytes.sent"] = "By",
                ["gmqtt.messages.dropped"] = "{message}",
                ["gmqtt.queue.depth"] = "{message}",
                ["gmqtt.inflight"] = "{message}",
                ["gmqtt.retained.messages"] = "{message}",
                ["gmqtt.connect.failures"] = "{failure}",
                ["gmqtt.auth.failures"] = "{failure}",
                ["gmqtt.hook.duration"] = "s",
            },
            capture.Instruments.ToDictionary(i => i.Name, i => i.Unit));
    }

    [Fact]
    public async Task Observable_instruments_report_the_broker_counters_with_their_tags()
    {
        var hook = new TestHook { Connect = c => c.ReasonCode = c.Packet.UserName == "bad" ? MqttReasonCode.NotAuthorized : MqttReasonCode.Success };
        await using var harness = new BrokerHarness(o => o.MaxInflightMessages = 1, hook);
        using var capture = new MeterCapture(harness.Broker.Metrics.Meter);
        var subscriber = await harness.SubscriberAsync("sub", "t/#", MqttQualityOfService.AtLeastOnce);
        var offline = await harness.SubscriberAsync("off", "t/#", clean: false);
        await offline.DisconnectAsync();
        var publisher = await harness.ConnectAsync("pub");
        await publisher.PublishAsync("t/0", "a");
        await publisher.PublishAckedAsync("t/1", "b", packetId: 1);
        await publisher.PublishAckedAsync("t/2", "c", packetId: 2);    // behind the in-flight window of "sub"
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "r", Payload = "x"u8.ToArray(), Retain = true });
        await subscriber.ReceivePublishAsync();
        await subscriber.ReceivePublishAsync(); // the QoS 1 one: in flight, not acknowledged; "t/2" waits in the queue
        var refused = harness.Open();
        Assert.Equal(MqttReasonCode.NotAuthorized, (await refused.ConnectAsync("x", userName: "bad")).ReasonCode);
        await refused.ExpectClosedAsync();

        var observed = capture.Observe();
        Assert.Equal(2, MeterCapture.Value(observed, "gmqtt.connections"));
        Assert.Equal(2, MeterCapture.Value(observed, "gmqtt.sessions", "state", "online"));
        Assert.Equal(1, MeterCapture.Value(observed, "gmqtt.sessions", "state", "offline"));
        Assert.Equal(2, MeterCapture.Value(observed, "gmqtt.subscriptions"));
        Assert.Equal((1, 2, 0), (MeterCapture.Value(observed, "gmqtt.messages.received", "qos", "0"), MeterCapture.Value(observed, "gmqtt.messages.received", "qos", "1"), MeterCapture.Value(observed, "gmqtt.messages.received", "qos", "2")));
        Assert.Equal((1, 1), (MeterCapture.Value(observed, "gmqtt.messages.sent", "qos", "0"), MeterCapture.Value(observed, "gmqtt.messages.sent", "qos", "1")));
        var statistics = harness.Broker.GetStatistics();
        Assert.Equal(statistics.BytesReceived, MeterCapture.Value(observed, "gmqtt.bytes.received"));
        Assert.Equal(statistics.BytesSent, MeterCapture.Value(observed, "gmqtt.bytes.sent"));
        Assert.Equal(3, MeterCapture.Value(observed, "gmqtt.messages.dropped", "reason", "offline_qos0")); // all three to "off", granted QoS 0
        Assert.Equal(0, MeterCapture.Value(observed, "gmqtt.messages.dropped", "reason", "queue_full"));
        Assert.Equal(1, MeterCapture.Value(observed, "gmqtt.queue.depth"));
        Assert.Equal(1, MeterCapture.Value(observed, "gmqtt.inflight"));
        Assert.Equal(1, MeterCapture.Value(observed, "gmqtt.retained.messages"));
        Assert.Equal(1, MeterCapture.Value(observed, "gmqtt.connect.failures", "reason", "not_authorized"));
        Assert.Equal(1, MeterCapture.Value(observed, "gmqtt.auth.failures", "reason", "not_authorized"));
    }

    [Fact]
    public async Task Authentication_refusals_are_reported_at_zero_before_the_first_failure()
    {
        await using var harness = new BrokerHarness();
        using var capture = new MeterCapture(harness.Broker.Metrics.Meter);
        var observed = capture.Observe();
        foreach (var instrument in new[] { "gmqtt.connect.failures", "gmqtt.auth.failures" })
        {
            Assert.Equal(0, MeterCapture.Value(observed, instrument, "reason", "not_authorized"));
            Assert.Equal(0, MeterCapture.Value(observed, instrument, "reason", "bad_user_name_or_password"));
        }
    }

    [Fact]
    public async Task Hook_duration_is_recorded_per_hook_method_when_hooks_are_registered()
    {
        await using var harness = new BrokerHarness(null, new TestHook());
        using var capture = new MeterCapture(harness.Broker.Metrics.Meter);
        var client = await harness.ConnectAsync("c");
        await client.PublishAckedAsync("t", "x", packetId: 1);

        var recorded = capture.TakeRecorded();
        Assert.All(recorded, m => Assert.Equal("gmqtt.hook.duration", m.Instrument));
        Assert.Superset(
            new HashSet<string?> { "OnAcceptAsync", "OnConnectAsync", "OnConnectedAsync", "OnSessionCreatedAsync", "OnPublishAsync" },
            recorded.Select(m => m.Tags["hook"]).ToHashSet());
        Assert.All(recorded, m => Assert.InRange(m.Value, 0, 10));
    }

    [Fact]
    public async Task Per_message_hook_durations_are_sampled_per_connection()
    {
        await using var harness = new BrokerHarness(null, new TestHook());
        using var capture = new MeterCapture(harness.Broker.Metrics.Meter);
        var client = await harness.ConnectAsync("c");
        for (ushort id = 1; id <= MqttHookRunner.PerMessageSampleRate + 1; id++)
        {
            await client.PublishAckedAsync("t", "x", packetId: id);
        }

        // The connection's first publish and its 65th are timed; the 63 between are not.
        var publishes = capture.TakeRecorded().Count(m => (string?)m.Tags["hook"] == "OnPublishAsync");
        Assert.Equal(2, publishes);
    }

    [Fact]
    public async Task Hook_duration_is_not_recorded_without_hooks()
    {
        await using var harness = new BrokerHarness();
        using var capture = new MeterCapture(harness.Broker.Metrics.Meter);
        var client = await harness.ConnectAsync("c");
        await client.PublishAckedAsync("t", "x", packetId: 1);

        Assert.Contains(capture.Instruments, i => i.Name == "gmqtt.hook.duration"); // listened to, yet nothing to time
        Assert.Empty(capture.TakeRecorded());
    }
}
