using Gmqtt.AspNetCore.Tests.Infrastructure;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Gmqtt.AspNetCore.Tests;

/// <summary>MQTT 5.0 shared subscriptions (section 4.8.2) with MQTTnet clients over TCP.</summary>
public class SharedSubscriptionInteropTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Two_MQTTnet_members_of_a_group_receive_disjoint_shares_that_together_are_everything_published()
    {
        const int Count = 20;
        using var first = await Connect("shared-interop-1");
        using var second = await Connect("shared-interop-2");
        using var publisher = await Connect("shared-interop-pub");

        var total = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task Count1(MqttApplicationMessageReceivedEventArgs e)
        {
            if (Interlocked.Increment(ref total) >= Count)
            {
                all.TrySetResult();
            }

            return Task.CompletedTask;
        }

        first.Client.ApplicationMessageReceivedAsync += Count1;
        second.Client.ApplicationMessageReceivedAsync += Count1;
        await first.SubscribeAsync("$share/workers/interop/shared/+", MqttQualityOfServiceLevel.AtLeastOnce);
        await second.SubscribeAsync("$share/workers/interop/shared/+", MqttQualityOfServiceLevel.AtLeastOnce);

        var published = Enumerable.Range(1, Count).Select(i => $"job {i}").ToList();
        foreach (var payload in published)
        {
            var result = await publisher.PublishAsync("interop/shared/jobs", payload, MqttQualityOfServiceLevel.AtLeastOnce);
            Assert.True(result.IsSuccess, $"publish failed: {result.ReasonCode}");
        }

        await all.Task.WaitAsync(MqttnetClient.Timeout);
        var toFirst = first.Drain().Select(m => m.ConvertPayloadToString()).ToList();
        var toSecond = second.Drain().Select(m => m.ConvertPayloadToString()).ToList();

        Assert.Empty(toFirst.Intersect(toSecond));
        Assert.Equal(published.Order(), toFirst.Concat(toSecond).Order());
        Assert.NotEmpty(toFirst); // round robin (the default) shares the work
        Assert.NotEmpty(toSecond);
        Assert.Equal(Count, Volatile.Read(ref total)); // no copy beyond one per message
    }

    private Task<MqttnetClient> Connect(string clientId) =>
        MqttnetClient.ConnectAsync(MqttnetClient.Options(server, "tcp", MqttProtocolVersion.V500, clientId).WithCleanSession().Build());
}
