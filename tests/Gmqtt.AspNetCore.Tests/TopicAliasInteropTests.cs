using Gmqtt.AspNetCore.Tests.Infrastructure;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Gmqtt.AspNetCore.Tests;

/// <summary>MQTT 5.0 topic aliases (section 3.3.2.3.4) with MQTTnet 5.2 clients, both directions.</summary>
public class TopicAliasInteropTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("tcp")]
    [InlineData("ws")]
    public async Task MQTTnet_publisher_using_an_alias_reaches_subscribers_under_the_real_topic(string transport)
    {
        var topic = $"interop/alias/{transport}/in";
        using var subscriber = await Connect(transport, $"alias-in-sub-{transport}");
        await subscriber.SubscribeAsync(topic, MqttQualityOfServiceLevel.AtLeastOnce);
        using var publisher = new MqttnetClient();
        var connected = await publisher.Client.ConnectAsync(
            MqttnetClient.Options(server, transport, MqttProtocolVersion.V500, $"alias-in-pub-{transport}").WithCleanSession().Build(),
            new CancellationTokenSource(MqttnetClient.Timeout).Token);
        Assert.Equal(64, connected.TopicAliasMaximum); // The broker's default, from CONNACK.

        // Sets the mapping, then uses it with an empty topic (section 3.3.4).
        var set = await publisher.Client.PublishAsync(Message(topic, "1").WithTopicAlias(1).Build());
        var use = await publisher.Client.PublishAsync(Message("", "2").WithTopicAlias(1).Build());

        Assert.True(set.IsSuccess, $"first publish: {set.ReasonCode}");
        Assert.True(use.IsSuccess, $"second publish: {use.ReasonCode}");
        foreach (var payload in new[] { "1", "2" })
        {
            var message = await subscriber.ReceiveAsync();
            Assert.Equal((topic, payload), (message.Topic, message.ConvertPayloadToString()));
            Assert.Equal(0, message.TopicAlias); // Aliases stay on the publisher's connection [MQTT-3.3.2-7].
        }
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("ws")]
    public async Task MQTTnet_subscriber_allowing_aliases_gets_topic_and_alias_then_the_alias_alone(string transport)
    {
        var topic = $"interop/alias/{transport}/out";
        using var subscriber = await MqttnetClient.ConnectAsync(MqttnetClient.Options(server, transport, MqttProtocolVersion.V500, $"alias-out-sub-{transport}")
            .WithCleanSession().WithTopicAliasMaximum(4).Build());
        await subscriber.SubscribeAsync(topic, MqttQualityOfServiceLevel.AtLeastOnce);
        using var publisher = await Connect(transport, $"alias-out-pub-{transport}");

        await publisher.PublishAsync(topic, "1", MqttQualityOfServiceLevel.AtLeastOnce);
        await publisher.PublishAsync(topic, "2", MqttQualityOfServiceLevel.AtLeastOnce);

        // MQTTnet 5.2 hands the PUBLISH over as it arrived: it does not resolve aliases itself, so the second
        // message shows the wire form — an empty topic and the alias the first one set [MQTT-3.3.2-11].
        var first = await subscriber.ReceiveAsync();
        Assert.Equal((topic, (ushort)1, "1"), (first.Topic, first.TopicAlias, first.ConvertPayloadToString()));
        var second = await subscriber.ReceiveAsync();
        Assert.Equal(("", (ushort)1, "2"), (second.Topic ?? "", second.TopicAlias, second.ConvertPayloadToString()));
    }

    private static MqttApplicationMessageBuilder Message(string topic, string payload) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);

    private Task<MqttnetClient> Connect(string transport, string clientId) =>
        MqttnetClient.ConnectAsync(MqttnetClient.Options(server, transport, MqttProtocolVersion.V500, clientId).WithCleanSession().Build());
}
