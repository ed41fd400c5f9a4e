using Gmqtt.AspNetCore.Tests.Infrastructure;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace Gmqtt.AspNetCore.Tests;

/// <summary>MQTT 5.0 features seen by an independent client (MQTTnet 5.2) over TCP.</summary>
public class Mqtt5InteropTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Session_with_expiry_interval_survives_a_reconnect_and_gets_queued_messages()
    {
        var options = MqttnetClient.Options(server, "tcp", MqttProtocolVersion.V500, "v5-persistent")
            .WithCleanStart(false).WithSessionExpiryInterval(60).Build();
        using (var first = await MqttnetClient.ConnectAsync(options))
        {
            await first.SubscribeAsync("v5/queued", MqttQualityOfServiceLevel.AtLeastOnce);
            await first.Client.DisconnectAsync();
        }

        using var publisher = await MqttnetClient.ConnectAsync(MqttnetClient.Options(server, "tcp", MqttProtocolVersion.V500, "v5-pub").Build());
        await publisher.PublishAsync("v5/queued", "while-away", MqttQualityOfServiceLevel.AtLeastOnce);

        var again = new MqttnetClient();
        using (again)
        {
            var result = await again.Client.ConnectAsync(options);
            Assert.True(result.IsSessionPresent); // [MQTT-3.2.2-3]
            Assert.Equal("while-away", (await again.ReceiveAsync()).ConvertPayloadToString());
        }
    }

    [Fact]
    public async Task Session_without_expiry_interval_ends_with_the_connection()
    {
        var options = MqttnetClient.Options(server, "tcp", MqttProtocolVersion.V500, "v5-no-expiry").WithCleanStart(false).Build();
        using (var first = await MqttnetClient.ConnectAsync(options))
        {
            await first.SubscribeAsync("v5/none", MqttQualityOfServiceLevel.AtLeastOnce);
            await first.Client.DisconnectAsync();
        }

        var again = new MqttnetClient();
        using (again)
        {
            var result = await again.Client.ConnectAsync(options);
            Assert.False(result.IsSessionPresent); // Session Expiry absent means 0 (section 3.1.2.11.2).
        }
    }

    [Fact]
    public async Task Publisher_properties_reach_the_subscriber_unchanged_and_in_order()
    {
        using var subscriber = await MqttnetClient.ConnectAsync(MqttnetClient.Options(server, "tcp", MqttProtocolVersion.V500, "v5-props-sub").Build());
        await subscriber.SubscribeAsync("v5/props", MqttQualityOfServiceLevel.AtLeastOnce);
        using var publisher = await MqttnetClient.ConnectAsync(MqttnetClient.Options(server, "tcp", MqttProtocolVersion.V500, "v5-props-pub").Build());

        await publisher.Client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic("v5/props")
            .WithPayload("{}")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithContentType("application/json")
            .WithResponseTopic("v5/reply")
            .WithCorrelationData([1, 2, 3])
            .WithPayloadFormatIndicator(MqttPayloadFormatIndicator.CharacterData)
            .WithMessageExpiryInterval(300)
            .WithUserProperty("b", "1"u8.ToArray())
            .WithUserProperty("a", "2"u8.ToArray())
            .WithUserProperty("b", "3"u8.ToArray())
            .Build());

        var message = await subscriber.ReceiveAsync();
        Assert.Equal("application/json", message.ContentType);
        Assert.Equal("v5/reply", message.ResponseTopic);
        Assert.Equal(new byte[] { 1, 2, 3 }, message.CorrelationData);
        Assert.Equal(MqttPayloadFormatIndicator.CharacterData, message.PayloadFormatIndicator);
        Assert.InRange(message.MessageExpiryInterval, 1u, 300u); // [MQTT-3.3.2-6]: what is left of it
        Assert.Equal(new[] { ("b", "1"), ("a", "2"), ("b", "3") }, message.UserProperties.Select(p => (p.Name, p.ReadValueAsString())).ToArray()); // [MQTT-3.3.2-18]
    }

    [Fact]
    public async Task Subscription_identifiers_of_every_matching_subscription_come_back()
    {
        using var subscriber = await MqttnetClient.ConnectAsync(MqttnetClient.Options(server, "tcp", MqttProtocolVersion.V500, "v5-subid").Build());
        await subscriber.Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("v5/ids/#").WithSubscriptionIdentifier(7).Build());
        await subscriber.Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("v5/ids/+").WithSubscriptionIdentifier(9).Build());
        await subscriber.PublishAsync("v5/ids/x", "m", MqttQualityOfServiceLevel.AtMostOnce);

        var message = await subscriber.ReceiveAsync();
        Assert.Equal(new uint[] { 7, 9 }, message.SubscriptionIdentifiers.Order().ToArray()); // [MQTT-3.3.4-4]
    }

    [Fact]
    public async Task Connack_tells_an_MQTT5_client_what_the_broker_supports()
    {
        var client = new MqttnetClient();
        using (client)
        {
            var result = await client.Client.ConnectAsync(MqttnetClient.Options(server, "tcp", MqttProtocolVersion.V500, "").Build());
            Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
            Assert.StartsWith("gmqtt-", result.AssignedClientIdentifier, StringComparison.Ordinal); // [MQTT-3.2.2-16]
            Assert.Equal(1024u * 1024, result.MaximumPacketSize);
            Assert.Equal((ushort)1000, result.ReceiveMaximum);
            Assert.True(result.RetainAvailable);
            Assert.True(result.WildcardSubscriptionAvailable);
            Assert.True(result.SubscriptionIdentifiersAvailable);
            Assert.Equal(MqttQualityOfServiceLevel.ExactlyOnce, result.MaximumQoS);
        }
    }

    [Fact]
    public async Task Will_with_delay_is_published_after_the_delay_when_the_client_vanishes()
    {
        using var watcher = await MqttnetClient.ConnectAsync(MqttnetClient.Options(server, "tcp", MqttProtocolVersion.V500, "v5-will-watch").Build());
        await watcher.SubscribeAsync("v5/will", MqttQualityOfServiceLevel.AtLeastOnce);

        var options = MqttnetClient.Options(server, "tcp", MqttProtocolVersion.V500, "v5-will")
            .WithWillTopic("v5/will").WithWillPayload("gone").WithWillDelayInterval(1).WithSessionExpiryInterval(30)
            .WithWillContentType("text/plain").Build();
        var dying = await MqttnetClient.ConnectAsync(options);
        var disconnectedAt = DateTime.UtcNow;
        dying.Dispose(); // no DISCONNECT: the network connection just goes away

        var will = await watcher.ReceiveAsync();
        Assert.Equal("gone", will.ConvertPayloadToString());
        Assert.Equal("text/plain", will.ContentType); // will properties are forwarded (section 3.1.3.2)
        Assert.True(DateTime.UtcNow - disconnectedAt >= TimeSpan.FromSeconds(0.9), "The will came before its delay.");
    }
}
