using System.ComponentModel.DataAnnotations;
using Gmqtt.Diagnostics;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Tests;

public class SysTopicTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_SYS_subscriber_receives_retained_values_each_interval_and_they_follow_the_clients()
    {
        await using var harness = new BrokerHarness(o => o.SysInterval = Interval);
        var watcher = await harness.SubscriberAsync("watcher", "$SYS/#");
        Assert.Null(watcher.TryReceiveNow()); // nothing before the first interval

        harness.Time.Advance(Interval);
        var first = await ReceiveUpdateAsync(watcher);
        Assert.Equal($"gmqtt version {MqttBroker.Version}", first["$SYS/broker/version"]);
        Assert.Equal("10 seconds", first["$SYS/broker/uptime"]);
        Assert.Equal(("1", "0", "1", "1"), (first["$SYS/broker/clients/connected"], first["$SYS/broker/clients/disconnected"], first["$SYS/broker/clients/total"], first["$SYS/broker/subscriptions/count"]));

        var other = await harness.ConnectAsync("other", clean: false);
        await other.SubscribeAsync("a");
        await other.PublishAsync("a", "x", MqttQualityOfService.AtLeastOnce, packetId: 1);
        // Its own PUBACK and the message routed back to it, in either order: the write loop may send the message first.
        MqttPacket[] replies = [(await other.ReceiveAsync())!, (await other.ReceiveAsync())!];
        Assert.Single(replies.OfType<PubAckPacket>());
        Assert.Single(replies.OfType<PublishPacket>());
        harness.Time.Advance(Interval);
        var second = await ReceiveUpdateAsync(watcher);
        Assert.Equal("20 seconds", second["$SYS/broker/uptime"]);
        Assert.Equal(("2", "0", "2", "2"), (second["$SYS/broker/clients/connected"], second["$SYS/broker/clients/disconnected"], second["$SYS/broker/clients/total"], second["$SYS/broker/subscriptions/count"]));
        // Sent: the first update to the watcher, and the message to "other".
        Assert.Equal(("1", $"{SysTopicPublisher.Topics.Count + 1}"), (second["$SYS/broker/publish/messages/received"], second["$SYS/broker/publish/messages/sent"]));
        Assert.Equal(harness.Broker.GetStatistics().BytesReceived.ToString(System.Globalization.CultureInfo.InvariantCulture), second["$SYS/broker/bytes/received"]);

        // Mosquitto's load: the last interval's per-minute rate (1 PUBLISH in 10 s = 6/min) weighted by 1 - e^(-10/60).
        Assert.Equal((6 * (1 - Math.Exp(-10.0 / 60))).ToString("F2", System.Globalization.CultureInfo.InvariantCulture), second["$SYS/broker/load/publish/received/1min"]);

        await other.DisconnectAsync();
        harness.Time.Advance(Interval);
        var third = await ReceiveUpdateAsync(watcher);
        Assert.Equal(("1", "1", "2"), (third["$SYS/broker/clients/connected"], third["$SYS/broker/clients/disconnected"], third["$SYS/broker/clients/total"]));
    }

    [Fact]
    public async Task SYS_values_are_retained_for_later_subscribers()
    {
        await using var harness = new BrokerHarness(o => o.SysInterval = Interval);
        harness.Time.Advance(Interval);
        Assert.Equal(SysTopicPublisher.Topics.Count, harness.Broker.RetainedMessages.Match("$SYS/#").Count);

        var late = await harness.SubscriberAsync("late", "$SYS/broker/clients/+");
        var publish = await late.ReceivePublishAsync();
        Assert.True(publish.Retain);
        Assert.StartsWith("$SYS/broker/clients/", publish.Topic, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wildcard_filters_do_not_match_SYS_topics() // [MQTT-4.7.2-1]
    {
        await using var harness = new BrokerHarness(o => o.SysInterval = Interval);
        var everything = await harness.SubscriberAsync("all", "#");
        var plus = await harness.SubscriberAsync("plus", "+/broker/#");
        await plus.SubscribeAsync("marker", packetId: 2);
        harness.Time.Advance(Interval);
        await harness.PublishMarkerAsync();

        // Each session's queue keeps routing order: had a $SYS message matched, it would come before the marker.
        Assert.Equal("marker", (await everything.ReceivePublishAsync()).Topic);
        Assert.Equal("marker", (await plus.ReceivePublishAsync()).Topic);
    }

    [Theory]
    [InlineData("$SYS/broker/uptime", false)]
    [InlineData("$SYS/broker", false)]
    [InlineData("$SYS/sample/x", true)]
    [InlineData("$SYS/brokers", true)]
    public async Task Clients_cannot_publish_to_the_brokers_SYS_tree_and_the_rest_is_left_to_the_hooks(string topic, bool allowed)
    {
        await using var harness = new BrokerHarness(o => o.SysInterval = Interval);
        var watcher = await harness.SubscriberAsync("watcher", "$SYS/#");
        var client = await harness.Connect5Async("c");
        await client.PublishAsync(topic, "forged"u8.ToArray(), null, MqttQualityOfService.AtLeastOnce, packetId: 1, retain: true);

        Assert.Equal(allowed ? MqttReasonCode.Success : MqttReasonCode.NotAuthorized, (await client.ReceiveAsync<PubAckPacket>()).ReasonCode);
        Assert.Equal(allowed, harness.Broker.RetainedMessages.Get(topic) is not null);
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "$SYS/broker/marker" }); // the server itself may
        Assert.Equal(allowed ? topic : "$SYS/broker/marker", (await watcher.ReceivePublishAsync()).Topic);
    }

    [Fact]
    public async Task A_zero_interval_turns_SYS_off()
    {
        await using var harness = new BrokerHarness(o => o.SysInterval = TimeSpan.Zero);
        harness.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, harness.Broker.RetainedMessages.Count);
    }

    [Theory]
    [InlineData("00:00:00", true)]
    [InlineData("00:00:01", true)]
    [InlineData("00:00:10", true)]
    [InlineData("00:00:00.500", false)]
    [InlineData("-00:00:01", false)]
    [InlineData("2.00:00:00", false)]
    public void SysInterval_is_validated(string interval, bool valid)
    {
        var options = new MqttBrokerOptions { SysInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture) };
        var results = new List<ValidationResult>();
        Assert.Equal(valid, Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        Assert.True(valid || results.Any(r => r.MemberNames.Contains(nameof(MqttBrokerOptions.SysInterval))));
    }

    /// <summary>One update: a PUBLISH per $SYS topic, in order; the values by topic.</summary>
    private static async Task<Dictionary<string, string>> ReceiveUpdateAsync(RawClient watcher)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var topic in SysTopicPublisher.Topics)
        {
            var publish = await watcher.ReceivePublishAsync();
            Assert.Equal(topic, publish.Topic);
            values[topic] = RawClient.Text(publish);
        }

        return values;
    }
}
