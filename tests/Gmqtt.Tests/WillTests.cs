using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Tests;

public class WillTests
{
    private static MqttWill Will(MqttQualityOfService qos = MqttQualityOfService.AtMostOnce, bool retain = false) =>
        new() { Topic = "wills/c1", Payload = "c1 is gone"u8.ToArray(), QoS = qos, Retain = retain };

    [Fact]
    public async Task Will_is_published_when_the_keep_alive_expires() // [MQTT-3.1.2-8] [MQTT-3.1.2-24]
    {
        await using var harness = new BrokerHarness();
        var watcher = await harness.SubscriberAsync("watcher", "wills/#");
        var client = await harness.ConnectAsync("c1", keepAlive: 10, will: Will());
        harness.Time.Advance(TimeSpan.FromSeconds(16));
        Assert.Empty(await client.ExpectClosedAsync());
        Assert.Equal("c1 is gone", RawClient.Text(await watcher.ReceivePublishAsync()));
    }

    [Fact]
    public async Task Will_is_published_when_the_network_connection_drops() // [MQTT-3.1.2-8]
    {
        await using var harness = new BrokerHarness();
        var watcher = await harness.SubscriberAsync("watcher", "wills/#");
        var client = await harness.ConnectAsync("c1", will: Will());
        await client.DropAsync();
        await client.ExpectClosedAsync();
        Assert.Equal("wills/c1", (await watcher.ReceivePublishAsync()).Topic);
    }

    [Fact]
    public async Task Will_is_published_when_the_client_breaks_the_protocol() // [MQTT-3.1.2-8]
    {
        await using var harness = new BrokerHarness();
        var watcher = await harness.SubscriberAsync("watcher", "wills/#");
        var client = await harness.ConnectAsync("c1", will: Will());
        await client.SendAsync(new ConnectPacket { ClientId = "c1" }); // a second CONNECT [MQTT-3.1.0-2]
        await client.ExpectClosedAsync();
        Assert.Equal("wills/c1", (await watcher.ReceivePublishAsync()).Topic);
    }

    [Fact]
    public async Task Will_is_published_with_its_QoS_and_retain_flag() // [MQTT-3.1.2-14] [MQTT-3.1.2-17]
    {
        await using var harness = new BrokerHarness();
        var watcher = await harness.SubscriberAsync("watcher", "wills/#", MqttQualityOfService.ExactlyOnce);
        var client = await harness.ConnectAsync("c1", will: Will(MqttQualityOfService.AtLeastOnce, retain: true));
        await client.DropAsync();
        await client.ExpectClosedAsync();

        var will = await watcher.ReceivePublishAsync();
        Assert.Equal(MqttQualityOfService.AtLeastOnce, will.QoS);
        Assert.False(will.Retain); // forwarded to an existing subscription [MQTT-3.3.1-9]

        var late = await harness.ConnectAsync("late");
        await late.SubscribeAsync("wills/c1", MqttQualityOfService.ExactlyOnce);
        var retained = await late.ReceivePublishAsync();
        Assert.Equal(("c1 is gone", true, MqttQualityOfService.AtLeastOnce), (RawClient.Text(retained), retained.Retain, retained.QoS));
    }

    [Fact]
    public async Task Will_is_not_published_after_DISCONNECT() // [MQTT-3.1.2-10] [MQTT-3.14.4-3]
    {
        await using var harness = new BrokerHarness();
        var watcher = await harness.ConnectAsync("watcher");
        await watcher.SubscribeAsync(1, ("wills/#", MqttQualityOfService.AtMostOnce), ("marker", MqttQualityOfService.AtMostOnce));
        var client = await harness.ConnectAsync("c1", will: Will(retain: true));
        await client.SendAsync(new DisconnectPacket());
        Assert.Empty(await client.ExpectClosedAsync()); // cleanup (will or not) has run when the connection task ends

        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "marker" });
        Assert.Equal("marker", (await watcher.ReceivePublishAsync()).Topic);
        Assert.Null(harness.Broker.RetainedMessages.Get("wills/c1"));
    }

    [Fact]
    public async Task Will_hook_can_suppress_the_will()
    {
        var hook = new TestHook { Will = c => c.Suppress = true };
        await using var harness = new BrokerHarness(null, hook);
        var watcher = await harness.ConnectAsync("watcher");
        await watcher.SubscribeAsync(1, ("wills/#", MqttQualityOfService.AtMostOnce), ("marker", MqttQualityOfService.AtMostOnce));
        var client = await harness.ConnectAsync("c1", will: Will());
        await client.DropAsync();
        await client.ExpectClosedAsync();

        Assert.Contains("Will:c1", hook.Events);
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "marker" });
        Assert.Equal("marker", (await watcher.ReceivePublishAsync()).Topic);
    }

    [Fact]
    public async Task Will_hook_can_modify_the_will()
    {
        var hook = new TestHook { Will = c => { c.Message.Topic = "wills/changed"; c.Message.Payload = "rewritten"u8.ToArray(); } };
        await using var harness = new BrokerHarness(null, hook);
        var watcher = await harness.SubscriberAsync("watcher", "wills/#");
        var client = await harness.ConnectAsync("c1", will: Will());
        await client.DropAsync();
        await client.ExpectClosedAsync();

        var will = await watcher.ReceivePublishAsync();
        Assert.Equal(("wills/changed", "rewritten"), (will.Topic, RawClient.Text(will)));
    }
}
