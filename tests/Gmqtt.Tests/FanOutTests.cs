using System.Text;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Tests;

public class FanOutTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Every_subscriber_of_a_topic_receives_each_message_once(bool deliverOnce)
    {
        await using var harness = new BrokerHarness(o => o.DeliverOverlappingSubscriptionsOnce = deliverOnce);
        var subscribers = new List<RawClient>();
        for (var i = 0; i < 5; i++)
        {
            var subscriber = harness.Open();
            await subscriber.ConnectAsync($"sub-{i}");
            await subscriber.SubscribeAsync("fan/all", MqttQualityOfService.AtLeastOnce);
            subscribers.Add(subscriber);
        }

        var publisher = harness.Open();
        await publisher.ConnectAsync("pub");
        await publisher.PublishAsync("fan/all", "m1", MqttQualityOfService.AtLeastOnce, packetId: 7);
        Assert.Equal(7, (await publisher.ReceiveAsync<PubAckPacket>()).PacketId);
        await publisher.PublishAsync("fan/all", "m2");

        foreach (var subscriber in subscribers)
        {
            var first = await subscriber.ReceiveAsync<PublishPacket>();
            Assert.Equal("m1", Encoding.UTF8.GetString(first.Payload.Span));
            Assert.Equal(MqttQualityOfService.AtLeastOnce, first.QoS);
            var second = await subscriber.ReceiveAsync<PublishPacket>();
            Assert.Equal("m2", Encoding.UTF8.GetString(second.Payload.Span)); // nothing duplicated, order kept
        }
    }
}
