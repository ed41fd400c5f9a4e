using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Tests;

/// <summary>MQTT 5.0: hooks explain refusals with a Reason String, unless the client asked for no problem information.</summary>
public class ReasonStringTests
{
    [Fact]
    public async Task Refused_publish_and_subscribe_carry_the_hooks_reason_string()
    {
        await using var harness = new BrokerHarness(null, new RefusingHook());
        var client = harness.Open();
        await client.ConnectAsync("c", version: MqttProtocolVersion.V500);

        await client.PublishAsync("secret/x", "p", MqttQualityOfService.AtLeastOnce, packetId: 3);
        var pubAck = await client.ReceiveAsync<PubAckPacket>();
        Assert.Equal(MqttReasonCode.NotAuthorized, pubAck.ReasonCode);
        Assert.Equal("no publishing to secret/", pubAck.Properties?.ReasonString);

        var subAck = await client.SubscribeAsync("secret/#");
        Assert.Equal(MqttReasonCode.NotAuthorized, Assert.Single(subAck.ReasonCodes));
        Assert.Equal("no reading secret/", subAck.Properties?.ReasonString);
    }

    [Fact]
    public async Task Request_problem_information_0_removes_reason_strings_from_acknowledgments() // [MQTT-3.1.2-29]
    {
        await using var harness = new BrokerHarness(null, new RefusingHook());
        var client = harness.Open();
        client.Version = MqttProtocolVersion.V500;
        await client.SendAsync(new ConnectPacket
        {
            ProtocolVersion = MqttProtocolVersion.V500,
            ClientId = "quiet",
            Properties = new MqttProperties { RequestProblemInformation = 0 },
        });
        Assert.Equal(MqttReasonCode.Success, (await client.ReceiveAsync<ConnAckPacket>()).ReasonCode);

        await client.PublishAsync("secret/x", "p", MqttQualityOfService.AtLeastOnce, packetId: 3);
        var pubAck = await client.ReceiveAsync<PubAckPacket>();
        Assert.Equal(MqttReasonCode.NotAuthorized, pubAck.ReasonCode);
        Assert.Null(pubAck.Properties?.ReasonString);
    }

    [Fact]
    public async Task Refused_connect_carries_the_reason_string_for_mqtt5_only()
    {
        await using var harness = new BrokerHarness(null, new RefusingHook());
        var v5 = harness.Open();
        var connAck = await v5.ConnectAsync("banned", version: MqttProtocolVersion.V500);
        Assert.Equal(MqttReasonCode.Banned, connAck.ReasonCode);
        Assert.Equal("go away", connAck.Properties?.ReasonString);

        var v3 = harness.Open();
        var v3Ack = await v3.ConnectAsync("banned");
        Assert.Equal(MqttReasonCode.NotAuthorized, v3Ack.ReasonCode); // 0x05 on the wire
        Assert.Null(v3Ack.Properties);
    }

    private sealed class RefusingHook : IMqttHook
    {
        public ValueTask OnConnectAsync(MqttConnectContext context)
        {
            if (context.ClientId == "banned")
            {
                context.ReasonCode = MqttReasonCode.Banned;
                context.ReasonString = "go away";
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask OnPublishAsync(MqttPublishContext context)
        {
            if (context.Message.Topic.StartsWith("secret/", StringComparison.Ordinal))
            {
                context.ReasonCode = MqttReasonCode.NotAuthorized;
                context.ReasonString = "no publishing to secret/";
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask OnSubscribeAsync(MqttSubscribeContext context)
        {
            if (context.Filter.Filter.StartsWith("secret/", StringComparison.Ordinal))
            {
                context.ReasonCode = MqttReasonCode.NotAuthorized;
                context.ReasonString = "no reading secret/";
            }

            return ValueTask.CompletedTask;
        }
    }
}
