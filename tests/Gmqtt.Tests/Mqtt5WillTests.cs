using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Tests;

/// <summary>MQTT 5.0 wills: Will Delay Interval (section 3.1.3.2.2), will properties, DISCONNECT reason codes.</summary>
public class Mqtt5WillTests
{
    private static MqttWill Will(uint? delay = null, MqttProperties? properties = null)
    {
        var will = new MqttWill { Topic = "wills/c1", Payload = "c1 is gone"u8.ToArray(), Properties = properties ?? new MqttProperties() };
        will.Properties.WillDelayInterval = delay;
        return will;
    }

    private static MqttProperties Expiry(uint seconds) => new() { SessionExpiryInterval = seconds };

    /// <summary>A v5 watcher of wills/# and of the marker topic.</summary>
    private static async Task<RawClient> WatcherAsync(BrokerHarness harness)
    {
        var watcher = await harness.Connect5Async("watcher");
        await watcher.SubscribeAsync(1, ("wills/#", MqttQualityOfService.AtMostOnce), ("marker", MqttQualityOfService.AtMostOnce));
        return watcher;
    }

    /// <summary>Proves that the watcher got no will so far: the next message it gets is a marker published now.</summary>
    private static async Task ExpectNoWillYetAsync(BrokerHarness harness, RawClient watcher)
    {
        await harness.PublishMarkerAsync();
        Assert.Equal("marker", (await watcher.ReceivePublishAsync()).Topic);
    }

    private static async Task DropAsync(RawClient client)
    {
        await client.DropAsync();
        Assert.Empty(await client.ExpectClosedAsync()); // the will (or its timer) is dealt with when the connection task ends
    }

    [Fact]
    public async Task Will_with_a_delay_is_not_published_before_the_delay_and_is_published_after_it() // section 3.1.3.2.2
    {
        await using var harness = new BrokerHarness();
        var watcher = await WatcherAsync(harness);
        await DropAsync(await harness.Connect5Async("c1", cleanStart: false, Expiry(3600), Will(delay: 30)));

        harness.Time.Advance(TimeSpan.FromSeconds(29));
        await ExpectNoWillYetAsync(harness, watcher);

        harness.Time.Advance(TimeSpan.FromSeconds(1));
        var will = await watcher.ReceivePublishAsync();
        Assert.Equal(("wills/c1", "c1 is gone"), (will.Topic, RawClient.Text(will)));
    }

    [Fact]
    public async Task Will_is_never_published_when_the_client_reconnects_within_the_delay() // [MQTT-3.1.3-9]
    {
        await using var harness = new BrokerHarness();
        var watcher = await WatcherAsync(harness);
        await DropAsync(await harness.Connect5Async("c1", cleanStart: false, Expiry(3600), Will(delay: 30)));

        harness.Time.Advance(TimeSpan.FromSeconds(10));
        var back = harness.Open();
        Assert.True((await back.Connect5Async("c1", cleanStart: false, Expiry(3600))).SessionPresent);
        await back.PingAsync();

        harness.Time.Advance(TimeSpan.FromSeconds(600));
        await ExpectNoWillYetAsync(harness, watcher);
    }

    [Theory]
    [InlineData(false, false)] // the session goes on: the delayed will is cancelled [MQTT-3.1.3-9]
    [InlineData(true, true)] // Clean Start 1 ends the old session, and a will goes out when its session ends (section 3.1.4, non-normative)
    public async Task Session_takeover_publishes_a_delayed_will_only_when_it_ends_the_session(bool cleanStart, bool published)
    {
        await using var harness = new BrokerHarness();
        var watcher = await WatcherAsync(harness);
        var first = await harness.Connect5Async("c1", cleanStart: false, Expiry(3600), Will(delay: 30));

        var second = harness.Open();
        Assert.Equal(MqttReasonCode.Success, (await second.Connect5Async("c1", cleanStart, Expiry(3600))).ReasonCode);
        await second.PingAsync();
        Assert.Equal(MqttReasonCode.SessionTakenOver, Assert.IsType<DisconnectPacket>(Assert.Single(await first.ExpectClosedAsync())).ReasonCode);

        if (published)
        {
            Assert.Equal("wills/c1", (await watcher.ReceivePublishAsync()).Topic);
        }
        else
        {
            harness.Time.Advance(TimeSpan.FromSeconds(600));
            await ExpectNoWillYetAsync(harness, watcher);
        }
    }

    [Fact]
    public async Task Will_is_published_when_the_session_ends_before_the_delay() // section 3.1.3.2.2: "or the Session ends, whichever happens first"
    {
        await using var harness = new BrokerHarness();
        var watcher = await WatcherAsync(harness);
        await DropAsync(await harness.Connect5Async("c1", cleanStart: false, Expiry(10), Will(delay: 60)));

        harness.Time.Advance(TimeSpan.FromSeconds(9));
        await ExpectNoWillYetAsync(harness, watcher);

        harness.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("wills/c1", (await watcher.ReceivePublishAsync()).Topic);
        Assert.Null(harness.Broker.GetClient("c1"));
    }

    [Fact]
    public async Task Will_with_a_delay_is_published_at_once_when_the_session_ends_with_the_connection() // section 3.1.3.2.2
    {
        await using var harness = new BrokerHarness();
        var watcher = await WatcherAsync(harness);
        await DropAsync(await harness.Connect5Async("c1", cleanStart: true, properties: null, Will(delay: 60)));

        // No time passes: the session (expiry 0) ended at close, and with it the delay.
        Assert.Equal("wills/c1", (await watcher.ReceivePublishAsync()).Topic);
    }

    [Fact]
    public async Task Will_properties_reach_an_MQTT_5_subscriber_unchanged_and_in_order() // [MQTT-3.3.2-17] [MQTT-3.3.2-20] section 3.1.3.2
    {
        await using var harness = new BrokerHarness();
        var watcher = await WatcherAsync(harness);
        var properties = new MqttProperties
        {
            PayloadFormatIndicator = 1,
            ContentType = "text/plain",
            ResponseTopic = "replies/c1",
            CorrelationData = new byte[] { 0, 1, 2, 0xFF },
        }.AddUserProperty("b", "1").AddUserProperty("a", "2").AddUserProperty("b", "3");
        await DropAsync(await harness.Connect5Async("c1", will: Will(delay: null, properties)));

        var will = await watcher.ReceivePublishAsync();
        var p = will.Properties!;
        Assert.Equal((byte)1, p.PayloadFormatIndicator);
        Assert.Equal("text/plain", p.ContentType);
        Assert.Equal("replies/c1", p.ResponseTopic);
        Assert.Equal(new byte[] { 0, 1, 2, 0xFF }, p.CorrelationData!.Value.ToArray());
        Assert.Equal([new("b", "1"), new("a", "2"), new("b", "3")], p.UserProperties!);
        Assert.Null(p.WillDelayInterval);
    }

    [Theory]
    [InlineData(MqttReasonCode.DisconnectWithWillMessage, true)] // 0x04 [MQTT-3.14.4-3] does not apply
    [InlineData(MqttReasonCode.UnspecifiedError, true)] // an error reason is not a normal disconnect
    [InlineData(MqttReasonCode.Success, false)] // [MQTT-3.1.2-10] [MQTT-3.14.4-3]
    public async Task DISCONNECT_reason_code_decides_whether_the_will_is_published(MqttReasonCode reason, bool published)
    {
        await using var harness = new BrokerHarness();
        var watcher = await WatcherAsync(harness);
        var client = await harness.Connect5Async("c1", will: Will());
        Assert.Empty(await client.DisconnectAsync(reason));

        if (published)
        {
            Assert.Equal("wills/c1", (await watcher.ReceivePublishAsync()).Topic);
        }
        else
        {
            await ExpectNoWillYetAsync(harness, watcher);
        }
    }

    [Fact]
    public async Task DISCONNECT_0x04_with_a_will_delay_publishes_the_will_after_the_delay() // sections 3.1.3.2.2 and 3.14.2.1
    {
        await using var harness = new BrokerHarness();
        var watcher = await WatcherAsync(harness);
        var client = await harness.Connect5Async("c1", cleanStart: false, Expiry(3600), Will(delay: 30));
        Assert.Empty(await client.DisconnectAsync(MqttReasonCode.DisconnectWithWillMessage));

        await ExpectNoWillYetAsync(harness, watcher);
        harness.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal("wills/c1", (await watcher.ReceivePublishAsync()).Topic);
    }
}
