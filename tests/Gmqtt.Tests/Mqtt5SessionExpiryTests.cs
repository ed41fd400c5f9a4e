using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Tests;

/// <summary>MQTT 5.0 Session Expiry Interval (sections 3.1.2.11.2, 3.2.2.3.2, 3.14.2.2.2), and how 3.1.1 sessions are spared.</summary>
public class Mqtt5SessionExpiryTests
{
    private static MqttProperties Expiry(uint seconds) => new() { SessionExpiryInterval = seconds };

    /// <summary>Leaves a subscribed session behind (DISCONNECT 0x00) for a reconnect to find or not.</summary>
    private static async Task LeaveSessionAsync(BrokerHarness harness, string clientId, MqttProperties? properties, MqttProperties? disconnectProperties = null)
    {
        var client = await harness.Subscriber5Async(clientId, "t", MqttQualityOfService.AtLeastOnce, properties, cleanStart: false);
        Assert.Empty(await client.DisconnectAsync(properties: disconnectProperties));
    }

    private static async Task<ConnAckPacket> ReconnectAsync(BrokerHarness harness, string clientId, MqttProperties? properties = null)
    {
        var connAck = await harness.Open().Connect5Async(clientId, cleanStart: false, properties);
        Assert.Equal(MqttReasonCode.Success, connAck.ReasonCode);
        return connAck;
    }

    [Fact]
    public async Task Without_Session_Expiry_Interval_the_session_ends_when_the_connection_closes() // section 3.1.2.11.2 (absent means 0) [MQTT-3.2.2-2]
    {
        var hook = new TestHook();
        await using var harness = new BrokerHarness(null, hook);
        await LeaveSessionAsync(harness, "c", properties: null);

        Assert.Null(harness.Broker.GetClient("c"));
        Assert.Contains($"SessionTerminated:c:{MqttSessionTerminationReason.CleanSessionClosed}", hook.Events);
        Assert.False((await ReconnectAsync(harness, "c")).SessionPresent);
        Assert.Empty(harness.Broker.GetClient("c")!.Subscriptions);
    }

    [Fact]
    public async Task Session_with_expiry_60_is_present_on_a_reconnect_within_60_seconds() // [MQTT-3.1.2-23] [MQTT-3.2.2-3]
    {
        await using var harness = new BrokerHarness();
        await LeaveSessionAsync(harness, "c", Expiry(60));

        harness.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.NotNull(harness.Broker.GetClient("c"));
        Assert.True((await ReconnectAsync(harness, "c", Expiry(60))).SessionPresent);
        Assert.Equal("t", Assert.Single(harness.Broker.GetClient("c")!.Subscriptions).Filter);

        // Reconnecting cancelled the expiry: the session is still there long after the first deadline.
        harness.Time.Advance(TimeSpan.FromSeconds(120));
        Assert.True(harness.Broker.GetClient("c")!.Connected);
    }

    [Fact]
    public async Task Session_offline_longer_than_its_expiry_interval_is_discarded_and_reported_as_expired() // section 3.1.2.11.2
    {
        var hook = new TestHook();
        await using var harness = new BrokerHarness(null, hook);
        await LeaveSessionAsync(harness, "c", Expiry(60));

        harness.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.NotNull(harness.Broker.GetClient("c"));
        harness.Time.Advance(TimeSpan.FromSeconds(2));
        await Eventually.TrueAsync(() => harness.Broker.GetClient("c") is null, "the session to expire");
        await Eventually.TrueAsync(() => hook.Events.Contains($"SessionTerminated:c:{MqttSessionTerminationReason.Expired}"), "the expiry to be reported");

        Assert.False((await ReconnectAsync(harness, "c", Expiry(60))).SessionPresent);
        Assert.Empty(harness.Broker.GetClient("c")!.Subscriptions);
    }

    [Fact]
    public async Task Session_expiry_is_counted_from_the_disconnect_not_from_the_connect() // section 3.1.2.11.2: "when the Network Connection is closed"
    {
        await using var harness = new BrokerHarness();
        var client = await harness.Subscriber5Async("c", "t", MqttQualityOfService.AtLeastOnce, Expiry(60), cleanStart: false);
        harness.Time.Advance(TimeSpan.FromMinutes(10)); // connected far longer than the interval
        Assert.Empty(await client.DisconnectAsync());

        harness.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.True((await ReconnectAsync(harness, "c", Expiry(60))).SessionPresent);
    }

    [Theory]
    [InlineData(false)] // Session Expiry Interval absent: 0
    [InlineData(true)] // Session Expiry Interval 0 said explicitly
    public async Task DISCONNECT_setting_a_non_zero_Session_Expiry_Interval_after_CONNECT_said_0_is_a_protocol_error(bool explicitZero) // [MQTT-3.14.2-2]
    {
        var hook = new TestHook();
        await using var harness = new BrokerHarness(null, hook);
        var client = await harness.Connect5Async("c", cleanStart: false, explicitZero ? Expiry(0) : null);

        var before = await client.DisconnectAsync(properties: Expiry(60));
        var disconnect = Assert.IsType<DisconnectPacket>(Assert.Single(before));
        Assert.Equal(MqttReasonCode.ProtocolError, disconnect.ReasonCode);
        Assert.Contains(hook.Closed, c => c is ("c", MqttCloseReason.ProtocolError));

        // The session still ended with the connection: the DISCONNECT did not extend it.
        Assert.Null(harness.Broker.GetClient("c"));
    }

    [Fact]
    public async Task DISCONNECT_lowering_Session_Expiry_Interval_to_0_ends_the_session_at_close() // section 3.14.2.2.2
    {
        await using var harness = new BrokerHarness();
        await LeaveSessionAsync(harness, "c", Expiry(3600), disconnectProperties: Expiry(0));

        Assert.Null(harness.Broker.GetClient("c"));
        Assert.False((await ReconnectAsync(harness, "c", Expiry(3600))).SessionPresent);
    }

    [Fact]
    public async Task DISCONNECT_changing_Session_Expiry_Interval_sets_the_interval_that_applies() // section 3.14.2.2.2
    {
        await using var harness = new BrokerHarness();
        await LeaveSessionAsync(harness, "longer", Expiry(10), disconnectProperties: Expiry(100));
        await LeaveSessionAsync(harness, "shorter", Expiry(100), disconnectProperties: Expiry(10));

        harness.Time.Advance(TimeSpan.FromSeconds(50));
        await Eventually.TrueAsync(() => harness.Broker.GetClient("shorter") is null, "the shortened session to expire");
        Assert.NotNull(harness.Broker.GetClient("longer"));
        Assert.True((await ReconnectAsync(harness, "longer", Expiry(100))).SessionPresent);
    }

    [Fact]
    public async Task MaxSessionExpiryInterval_caps_the_interval_and_CONNACK_carries_the_granted_value() // section 3.2.2.3.2
    {
        await using var harness = new BrokerHarness(o => o.MaxSessionExpiryInterval = 30);

        var capped = harness.Open();
        var connAck = await capped.Connect5Async("capped", cleanStart: false, Expiry(60));
        Assert.Equal(30u, connAck.Properties?.SessionExpiryInterval);
        await capped.PingAsync();
        Assert.Empty(await capped.DisconnectAsync());

        // A request within the limit is granted as asked, and CONNACK then need not repeat it.
        var within = harness.Open();
        Assert.Null((await within.Connect5Async("within", cleanStart: false, Expiry(20))).Properties?.SessionExpiryInterval);
        await within.PingAsync();
        Assert.Empty(await within.DisconnectAsync());

        harness.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.NotNull(harness.Broker.GetClient("capped"));
        harness.Time.Advance(TimeSpan.FromSeconds(2));
        await Eventually.TrueAsync(() => harness.Broker.GetClient("capped") is null, "the capped session to expire after 30 s, not 60 s");
    }

    [Fact]
    public async Task MaxSessionExpiryInterval_also_caps_an_interval_raised_by_DISCONNECT() // section 3.2.2.3.2
    {
        await using var harness = new BrokerHarness(o => o.MaxSessionExpiryInterval = 30);
        await LeaveSessionAsync(harness, "c", Expiry(10), disconnectProperties: Expiry(1000));

        harness.Time.Advance(TimeSpan.FromSeconds(31));
        await Eventually.TrueAsync(() => harness.Broker.GetClient("c") is null, "the session to expire after the 30 s cap");
    }

    [Fact]
    public async Task Clean_Start_1_discards_an_existing_session() // [MQTT-3.1.2-4] [MQTT-3.2.2-2]
    {
        var hook = new TestHook();
        await using var harness = new BrokerHarness(null, hook);
        await LeaveSessionAsync(harness, "c", Expiry(3600));
        var publisher = await harness.Connect5Async("p");
        await publisher.PublishAsync("t", "queued"u8.ToArray(), null, MqttQualityOfService.AtLeastOnce, 1);
        await publisher.ReceiveAsync<PubAckPacket>();
        Assert.Equal(1, harness.Broker.GetClient("c")!.QueuedMessages);

        var again = harness.Open();
        var connAck = await again.Connect5Async("c", cleanStart: true, Expiry(3600));
        Assert.Equal((MqttReasonCode.Success, false), (connAck.ReasonCode, connAck.SessionPresent));
        Assert.Contains($"SessionTerminated:c:{MqttSessionTerminationReason.ReplacedByCleanSession}", hook.Events);
        var session = harness.Broker.GetClient("c")!;
        Assert.Equal((0, 0), (session.Subscriptions.Count, session.QueuedMessages));
    }

    [Fact]
    public async Task MQTT_3_1_1_Clean_Session_0_never_expires_by_default() // 3.1.1 section 3.1.2.4
    {
        await using var harness = new BrokerHarness();
        var client = await harness.SubscriberAsync("c", "t", MqttQualityOfService.AtLeastOnce, clean: false);
        Assert.Empty(await client.DisconnectAsync());

        harness.Time.Advance(TimeSpan.FromDays(400));
        Assert.NotNull(harness.Broker.GetClient("c"));
        Assert.True((await harness.Open().ConnectAsync("c", clean: false)).SessionPresent);
    }

    [Fact]
    public async Task MQTT_3_1_1_Clean_Session_0_expires_after_V3SessionExpiryInterval_when_set()
    {
        var hook = new TestHook();
        await using var harness = new BrokerHarness(o => o.V3SessionExpiryInterval = 60, hook);
        var client = await harness.SubscriberAsync("c", "t", MqttQualityOfService.AtLeastOnce, clean: false);
        Assert.Empty(await client.DisconnectAsync());

        harness.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.NotNull(harness.Broker.GetClient("c"));
        harness.Time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => hook.Events.Contains($"SessionTerminated:c:{MqttSessionTerminationReason.Expired}"), "the 3.1.1 session to expire");
        Assert.False((await harness.Open().ConnectAsync("c", clean: false)).SessionPresent);
    }

    [Fact]
    public async Task MQTT_3_1_1_Clean_Session_1_is_not_kept_even_with_V3SessionExpiryInterval() // 3.1.1 [MQTT-3.1.2-6]
    {
        await using var harness = new BrokerHarness(o => o.V3SessionExpiryInterval = 60);
        var client = await harness.SubscriberAsync("c", "t", MqttQualityOfService.AtLeastOnce, clean: true);
        Assert.Empty(await client.DisconnectAsync());
        Assert.Null(harness.Broker.GetClient("c"));
    }
}
