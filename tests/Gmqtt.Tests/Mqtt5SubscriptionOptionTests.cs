using System.Text;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Tests;

/// <summary>MQTT 5.0 subscription options: No Local, Retain As Published, Retain Handling (section 3.8.3.1).</summary>
public class Mqtt5SubscriptionOptionTests
{
    private static async Task<SubAckPacket> SubscribeAsync(RawClient client, MqttTopicFilter filter, ushort packetId = 1)
    {
        await client.SendAsync(new SubscribePacket { PacketId = packetId, Filters = [filter] });
        return await client.ReceiveAsync<SubAckPacket>();
    }

    [Fact]
    public async Task No_Local_keeps_a_clients_own_messages_from_coming_back() // [MQTT-3.8.3-3]
    {
        await using var harness = new BrokerHarness();
        var client = await harness.Connect5Async("self");
        await SubscribeAsync(client, new MqttTopicFilter { Filter = "nl/+", NoLocal = true });
        var other = await harness.Connect5Async("other");

        await client.PublishAsync("nl/mine", "own");
        await other.PublishAsync("nl/theirs", "theirs");

        var received = await client.ReceiveAsync<PublishPacket>();
        Assert.Equal("nl/theirs", received.Topic); // its own message never arrived, the other's did
    }

    [Fact]
    public async Task Without_No_Local_a_client_gets_its_own_messages()
    {
        await using var harness = new BrokerHarness();
        var client = await harness.Connect5Async("self");
        await SubscribeAsync(client, new MqttTopicFilter { Filter = "nl/+" });
        await client.PublishAsync("nl/mine", "own");
        Assert.Equal("nl/mine", (await client.ReceiveAsync<PublishPacket>()).Topic);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Retain_As_Published_keeps_the_retain_flag_of_forwarded_messages(bool retainAsPublished) // [MQTT-3.3.1-12] [MQTT-3.3.1-13]
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.Connect5Async("s");
        await SubscribeAsync(subscriber, new MqttTopicFilter { Filter = "rap", RetainAsPublished = retainAsPublished });
        var publisher = await harness.Connect5Async("p");
        await publisher.PublishAsync("rap", "r", retain: true);

        var received = await subscriber.ReceiveAsync<PublishPacket>();
        Assert.Equal(retainAsPublished, received.Retain);
    }

    [Fact]
    public async Task QoS_0_fan_out_gives_each_subscriber_its_own_retain_flag() // [MQTT-3.3.1-12] [MQTT-3.3.1-13]: routing shares one QoS 0 delivery per flag
    {
        await using var harness = new BrokerHarness();
        var keeps = await harness.Connect5Async("keeps");
        await SubscribeAsync(keeps, new MqttTopicFilter { Filter = "rap", RetainAsPublished = true });
        var clears = await harness.Connect5Async("clears");
        await SubscribeAsync(clears, new MqttTopicFilter { Filter = "rap" });
        var keepsToo = await harness.Connect5Async("keeps-too");
        await SubscribeAsync(keepsToo, new MqttTopicFilter { Filter = "rap", RetainAsPublished = true });
        var publisher = await harness.Connect5Async("p");
        await publisher.PublishAsync("rap", "r", retain: true);

        Assert.True((await keeps.ReceiveAsync<PublishPacket>()).Retain);
        Assert.False((await clears.ReceiveAsync<PublishPacket>()).Retain);
        Assert.True((await keepsToo.ReceiveAsync<PublishPacket>()).Retain);
    }

    [Fact]
    public async Task Retain_Handling_0_sends_retained_messages_on_every_subscribe() // [MQTT-3.3.1-9]
    {
        await using var harness = new BrokerHarness();
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "rh/0", Payload = "kept"u8.ToArray(), Retain = true });
        var client = await harness.Connect5Async("c");
        var filter = new MqttTopicFilter { Filter = "rh/0", RetainHandling = MqttRetainHandling.SendAtSubscribe };

        await SubscribeAsync(client, filter, 1);
        Assert.True((await client.ReceiveAsync<PublishPacket>()).Retain);
        await SubscribeAsync(client, filter, 2);
        Assert.Equal("kept", Encoding.UTF8.GetString((await client.ReceiveAsync<PublishPacket>()).Payload.Span));
    }

    [Fact]
    public async Task Retain_Handling_1_sends_retained_messages_only_for_a_new_subscription() // [MQTT-3.3.1-10]
    {
        await using var harness = new BrokerHarness();
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "rh/1", Payload = "kept"u8.ToArray(), Retain = true });
        var client = await harness.Connect5Async("c");
        var filter = new MqttTopicFilter { Filter = "rh/1", RetainHandling = MqttRetainHandling.SendAtSubscribeIfNew };

        await SubscribeAsync(client, filter, 1);
        Assert.True((await client.ReceiveAsync<PublishPacket>()).Retain);

        await SubscribeAsync(client, filter, 2); // the same subscription again: no retained message this time
        await harness.PublishMarkerAsync("rh/1");
        var next = await client.ReceiveAsync<PublishPacket>();
        Assert.Equal("marker", Encoding.UTF8.GetString(next.Payload.Span));
        Assert.False(next.Retain);
    }

    [Fact]
    public async Task Retain_Handling_2_never_sends_retained_messages_on_subscribe() // [MQTT-3.3.1-11]
    {
        await using var harness = new BrokerHarness();
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "rh/2", Payload = "kept"u8.ToArray(), Retain = true });
        var client = await harness.Connect5Async("c");
        await SubscribeAsync(client, new MqttTopicFilter { Filter = "rh/2", RetainHandling = MqttRetainHandling.DoNotSend });

        await harness.PublishMarkerAsync("rh/2");
        Assert.Equal("marker", Encoding.UTF8.GetString((await client.ReceiveAsync<PublishPacket>()).Payload.Span));
    }
}
