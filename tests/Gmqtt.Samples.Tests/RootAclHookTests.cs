using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using MqttMessage = MQTTnet.MqttApplicationMessage;

namespace Gmqtt.Samples.Tests;

public class RootAclHookTests(SampleFixture fixture) : IClassFixture<SampleFixture>
{
    private SampleApp Sample => fixture.Sample;

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task Root_is_granted_QoS_2_where_another_user_is_downgraded_to_QoS_1(MqttProtocolVersion version)
    {
        using var root = await ConnectAsync("root", SampleApp.RootPassword, $"root-qos-{version}", version);
        using var alice = await ConnectAsync("alice", SampleApp.AlicePassword, $"alice-qos-{version}", version);

        var rootResult = await root.SubscribeAsync(Subscribe(("sensors/#", MqttQualityOfServiceLevel.ExactlyOnce)));
        var aliceResult = await alice.SubscribeAsync(Subscribe(("sensors/#", MqttQualityOfServiceLevel.ExactlyOnce)));

        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS2, Assert.Single(rootResult.Items).ResultCode);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, Assert.Single(aliceResult.Items).ResultCode);
    }

    [Fact]
    public async Task A_downgraded_subscription_delivers_a_QoS_2_message_at_QoS_1()
    {
        var received = new TaskCompletionSource<MqttMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var alice = await ConnectAsync("alice", SampleApp.AlicePassword, "alice-delivery");
        alice.ApplicationMessageReceivedAsync += e =>
        {
            received.TrySetResult(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        using var root = await ConnectAsync("root", SampleApp.RootPassword, "root-delivery");
        await alice.SubscribeAsync(Subscribe(("downgrade/x", MqttQualityOfServiceLevel.ExactlyOnce)));

        await root.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("downgrade/x").WithPayload("m")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.ExactlyOnce).Build());

        var message = await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(MqttQualityOfServiceLevel.AtLeastOnce, message.QualityOfServiceLevel);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311, MqttClientSubscribeResultCode.UnspecifiedError)] // 0x80: all 3.1.1 has
    [InlineData(MqttProtocolVersion.V500, MqttClientSubscribeResultCode.NotAuthorized)]
    public async Task Root_may_subscribe_to_SYS_where_another_user_is_refused(MqttProtocolVersion version, MqttClientSubscribeResultCode refusal)
    {
        using var root = await ConnectAsync("root", SampleApp.RootPassword, $"root-sys-{version}", version);
        using var alice = await ConnectAsync("alice", SampleApp.AlicePassword, $"alice-sys-{version}", version);

        var rootResult = await root.SubscribeAsync(Subscribe(("$SYS/#", MqttQualityOfServiceLevel.ExactlyOnce)));
        // One SUBSCRIBE, two filters: the refusal is per filter, the other one is still granted (downgraded).
        var aliceResult = await alice.SubscribeAsync(Subscribe(("$SYS/#", MqttQualityOfServiceLevel.AtMostOnce), ("public/#", MqttQualityOfServiceLevel.ExactlyOnce)));

        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS2, Assert.Single(rootResult.Items).ResultCode);
        Assert.Equal([refusal, MqttClientSubscribeResultCode.GrantedQoS1], aliceResult.Items.Select(i => i.ResultCode));
    }

    [Fact]
    public async Task Another_user_may_not_publish_to_SYS_and_the_message_is_not_delivered()
    {
        var received = new TaskCompletionSource<MqttMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var root = await ConnectAsync("root", SampleApp.RootPassword, "root-sys-watcher");
        root.ApplicationMessageReceivedAsync += e =>
        {
            received.TrySetResult(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        await root.SubscribeAsync(Subscribe(("$SYS/sample/#", MqttQualityOfServiceLevel.AtLeastOnce)));
        using var alice = await ConnectAsync("alice", SampleApp.AlicePassword, "alice-sys-publisher");

        var aliceResult = await alice.PublishAsync(Message("$SYS/sample/forged", "from alice"));
        // Alice's message was refused before routing; had it been routed, root would receive it before this one.
        var rootResult = await root.PublishAsync(Message("$SYS/sample/real", "from root"));

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, aliceResult.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.Success, rootResult.ReasonCode);
        var first = await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("$SYS/sample/real", first.Topic);
    }

    private async Task<IMqttClient> ConnectAsync(string userName, string password, string clientId, MqttProtocolVersion version = MqttProtocolVersion.V500)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(Sample.TcpOptions(clientId, userName, password, version));
        return client;
    }

    private static MqttClientSubscribeOptions Subscribe(params (string Filter, MqttQualityOfServiceLevel QoS)[] filters)
    {
        var builder = new MqttClientSubscribeOptionsBuilder();
        foreach (var (filter, qos) in filters)
        {
            builder = builder.WithTopicFilter(filter, qos);
        }

        return builder.Build();
    }

    private static MqttMessage Message(string topic, string payload) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
}
