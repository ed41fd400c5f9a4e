using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Tests;

public class ServerApiTests
{
    [Fact]
    public async Task PublishAsync_reaches_subscribers_at_the_lower_QoS()
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.SubscriberAsync("s", "news/#", MqttQualityOfService.AtLeastOnce);
        var code = await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "news/today", Payload = "hi"u8.ToArray(), QoS = MqttQualityOfService.ExactlyOnce });
        Assert.Equal(MqttReasonCode.Success, code);
        var publish = await subscriber.ReceivePublishAsync();
        Assert.Equal(("news/today", "hi", MqttQualityOfService.AtLeastOnce, false), (publish.Topic, RawClient.Text(publish), publish.QoS, publish.Retain));
    }

    [Fact]
    public async Task PublishAsync_rejects_an_invalid_topic_name()
    {
        await using var harness = new BrokerHarness();
        await Assert.ThrowsAsync<ArgumentException>(() => harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "a/#" }));
    }

    [Fact]
    public async Task GetClients_and_GetClient_show_connection_state_subscriptions_and_queue_depth()
    {
        await using var harness = new BrokerHarness(o => o.MaxInflightMessages = 1);
        var subscriber = await harness.SubscriberAsync("s", "t", MqttQualityOfService.AtLeastOnce);
        var other = harness.Open();
        await other.ConnectAsync("a-first", keepAlive: 30, userName: "ann");
        for (var i = 0; i < 4; i++)
        {
            await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "t", QoS = MqttQualityOfService.AtLeastOnce });
        }

        await subscriber.ReceivePublishAsync(); // the one the window allows
        Assert.Equal(["a-first", "s"], harness.Broker.GetClients().Select(c => c.ClientId));

        var s = harness.Broker.GetClient("s")!;
        Assert.True(s.Connected);
        Assert.Equal((1, 3), (s.InflightMessages, s.QueuedMessages));
        var subscription = Assert.Single(s.Subscriptions);
        Assert.Equal(("t", MqttQualityOfService.AtLeastOnce), (subscription.Filter, subscription.MaximumQoS));

        var a = harness.Broker.GetClient("a-first")!;
        Assert.Equal(("ann", 30, "tcp", MqttProtocolVersion.V311), (a.UserName, a.KeepAlive, a.Transport, a.ProtocolVersion));
        Assert.Null(harness.Broker.GetClient("nobody"));
    }

    [Fact]
    public async Task DisconnectClientAsync_closes_the_connection_and_keeps_a_persistent_session()
    {
        var hook = new TestHook();
        await using var harness = new BrokerHarness(null, hook);
        var client = harness.Open();
        await client.ConnectAsync("c", clean: false);
        await client.SubscribeAsync("t");

        Assert.True(await harness.Broker.DisconnectClientAsync("c"));
        Assert.Empty(await client.ExpectClosedAsync());
        Assert.Contains(hook.Closed, c => c is ("c", MqttCloseReason.AdministrativeAction));
        var session = harness.Broker.GetClient("c")!;
        Assert.False(session.Connected);
        Assert.Single(session.Subscriptions);

        Assert.False(await harness.Broker.DisconnectClientAsync("c")); // no connection any more
        Assert.True((await harness.Open().ConnectAsync("c", clean: false)).SessionPresent);
    }

    [Fact]
    public async Task DisconnectClientAsync_with_endSession_discards_the_session()
    {
        var hook = new TestHook();
        await using var harness = new BrokerHarness(null, hook);
        var client = harness.Open();
        await client.ConnectAsync("c", clean: false);
        await client.SubscribeAsync("t");

        Assert.True(await harness.Broker.DisconnectClientAsync("c", endSession: true));
        Assert.Empty(await client.ExpectClosedAsync());
        Assert.Null(harness.Broker.GetClient("c"));
        Assert.Equal(0, harness.Broker.SubscriptionCount);
        Assert.Contains("SessionTerminated:c:AdministrativeAction", hook.Events);
        Assert.False((await harness.Open().ConnectAsync("c", clean: false)).SessionPresent);
    }

    [Fact]
    public async Task DisconnectClientAsync_publishes_the_will()
    {
        await using var harness = new BrokerHarness();
        var watcher = await harness.SubscriberAsync("w", "wills/#");
        var client = await harness.ConnectAsync("c", will: new MqttWill { Topic = "wills/c", Payload = "x"u8.ToArray() });
        await harness.Broker.DisconnectClientAsync("c");
        await client.ExpectClosedAsync();
        Assert.Equal("wills/c", (await watcher.ReceivePublishAsync()).Topic);
    }

    [Fact]
    public async Task Subscribe_and_Unsubscribe_on_behalf_of_a_client()
    {
        await using var harness = new BrokerHarness();
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "cfg/a", Payload = "retained"u8.ToArray(), Retain = true });
        var client = await harness.ConnectAsync("c");
        await client.SubscribeAsync("marker");

        Assert.Equal(MqttReasonCode.GrantedQoS1, await harness.Broker.SubscribeAsync("c", new MqttTopicFilter { Filter = "cfg/#", MaximumQoS = MqttQualityOfService.AtLeastOnce }));
        var retained = await client.ReceivePublishAsync();
        Assert.Equal(("cfg/a", true), (retained.Topic, retained.Retain));
        await client.AckAsync(retained);

        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "cfg/b", QoS = MqttQualityOfService.AtLeastOnce });
        var live = await client.ReceivePublishAsync();
        Assert.Equal(("cfg/b", MqttQualityOfService.AtLeastOnce), (live.Topic, live.QoS));
        await client.AckAsync(live);

        Assert.True(harness.Broker.Unsubscribe("c", "cfg/#"));
        Assert.False(harness.Broker.Unsubscribe("c", "cfg/#"));
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "cfg/c" });
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "marker" });
        Assert.Equal("marker", (await client.ReceivePublishAsync()).Topic);

        Assert.Null(await harness.Broker.SubscribeAsync("nobody", new MqttTopicFilter { Filter = "x" }));
        Assert.Equal(MqttReasonCode.TopicFilterInvalid, await harness.Broker.SubscribeAsync("c", new MqttTopicFilter { Filter = "bad/#/filter" }));
    }

    [Fact]
    public async Task SubscribeAsync_is_decided_by_the_subscribe_hooks_as_a_SUBSCRIBE_is()
    {
        var seen = new System.Collections.Concurrent.ConcurrentQueue<(string ClientId, MqttProtocolVersion Version, string Filter)>();
        var hook = new TestHook
        {
            Subscribe = context =>
            {
                seen.Enqueue((context.Client.ClientId, context.Client.ProtocolVersion, context.Filter.Filter));
                if (context.Filter.Filter.StartsWith("secret/", StringComparison.Ordinal))
                {
                    context.ReasonCode = MqttReasonCode.NotAuthorized;
                }
                else if (context.Filter.Filter.StartsWith("slow/", StringComparison.Ordinal))
                {
                    context.GrantedQoS = MqttQualityOfService.AtMostOnce;
                }
            },
        };
        await using var harness = new BrokerHarness(null, hook);
        await harness.ConnectAsync("online");
        var offline = await harness.Connect5Async("offline", cleanStart: false, new MqttProperties { SessionExpiryInterval = 3600 });
        await offline.DisconnectAsync();

        foreach (var clientId in (string[])["online", "offline"])
        {
            Assert.Equal(MqttReasonCode.NotAuthorized, await harness.Broker.SubscribeAsync(clientId, new MqttTopicFilter { Filter = "secret/#", MaximumQoS = MqttQualityOfService.AtLeastOnce }));
            Assert.Equal(MqttReasonCode.Success, await harness.Broker.SubscribeAsync(clientId, new MqttTopicFilter { Filter = "slow/#", MaximumQoS = MqttQualityOfService.ExactlyOnce }));
            var subscription = Assert.Single(harness.Broker.GetClient(clientId)!.Subscriptions); // the refused one was not recorded
            Assert.Equal(("slow/#", MqttQualityOfService.AtMostOnce), (subscription.Filter, subscription.MaximumQoS));
            Assert.Equal([$"Subscribed:{clientId}:slow/#"], hook.Events.Where(e => e.StartsWith($"Subscribed:{clientId}:", StringComparison.Ordinal)));
        }

        // An offline session has no connection: the hooks see its client identifier and protocol version.
        Assert.Equal(
            [("online", MqttProtocolVersion.V311, "secret/#"), ("online", MqttProtocolVersion.V311, "slow/#"), ("offline", MqttProtocolVersion.V500, "secret/#"), ("offline", MqttProtocolVersion.V500, "slow/#")],
            seen);
    }

    [Fact]
    public async Task SubscribeAsync_counts_against_MaxSubscriptionsPerClient()
    {
        await using var harness = new BrokerHarness(o => o.MaxSubscriptionsPerClient = 2);
        var client = await harness.ConnectAsync("c");
        await client.SubscribeAsync("a");

        Assert.Equal(MqttReasonCode.Success, await harness.Broker.SubscribeAsync("c", new MqttTopicFilter { Filter = "b" }));
        Assert.Equal(MqttReasonCode.QuotaExceeded, await harness.Broker.SubscribeAsync("c", new MqttTopicFilter { Filter = "c" }));
        // Replacing a subscription adds none: it is granted.
        Assert.Equal(MqttReasonCode.GrantedQoS1, await harness.Broker.SubscribeAsync("c", new MqttTopicFilter { Filter = "a", MaximumQoS = MqttQualityOfService.AtLeastOnce }));
        Assert.Equal(["a", "b"], harness.Broker.GetClient("c")!.Subscriptions.Select(s => s.Filter).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SubscribeAsync_grants_at_most_the_brokers_MaximumQoS()
    {
        await using var harness = new BrokerHarness(o => o.MaximumQoS = MqttQualityOfService.AtLeastOnce);
        var client = await harness.ConnectAsync("c");

        Assert.Equal(MqttReasonCode.GrantedQoS1, await harness.Broker.SubscribeAsync("c", new MqttTopicFilter { Filter = "t", MaximumQoS = MqttQualityOfService.ExactlyOnce }));

        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "t", QoS = MqttQualityOfService.ExactlyOnce });
        Assert.Equal(MqttQualityOfService.AtLeastOnce, (await client.ReceivePublishAsync()).QoS);
    }

    [Fact]
    public async Task SubscribeAsync_delivers_retained_messages_per_Retain_Handling() // [MQTT-3.3.1-9] [MQTT-3.3.1-10] [MQTT-3.3.1-11]
    {
        await using var harness = new BrokerHarness();
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "cfg/a", Payload = "retained"u8.ToArray(), Retain = true });
        var client = await harness.Subscriber5Async("c", "marker");

        async Task<string> SubscribeThenNextAsync(string filter, MqttRetainHandling handling)
        {
            Assert.Equal(MqttReasonCode.Success, await harness.Broker.SubscribeAsync("c", new MqttTopicFilter { Filter = filter, RetainHandling = handling }));
            await harness.PublishMarkerAsync(); // queued after whatever the subscribe queued
            var next = await client.ReceivePublishAsync();
            if (next.Topic != "marker")
            {
                Assert.True(next.Retain);
                Assert.Equal("marker", (await client.ReceivePublishAsync()).Topic);
            }

            return next.Topic;
        }

        Assert.Equal("marker", await SubscribeThenNextAsync("cfg/+", MqttRetainHandling.DoNotSend));
        Assert.Equal("cfg/a", await SubscribeThenNextAsync("cfg/#", MqttRetainHandling.SendAtSubscribeIfNew));
        Assert.Equal("marker", await SubscribeThenNextAsync("cfg/#", MqttRetainHandling.SendAtSubscribeIfNew)); // not new any more
        Assert.Equal("cfg/a", await SubscribeThenNextAsync("cfg/#", MqttRetainHandling.SendAtSubscribe));
    }

    [Fact]
    public async Task StopAsync_closes_every_client_runs_OnClosed_for_each_then_OnStop()
    {
        var hook = new TestHook();
        await using var harness = new BrokerHarness(null, hook);
        var clients = new List<RawClient>();
        for (var i = 0; i < 3; i++)
        {
            clients.Add(await harness.ConnectAsync($"c{i}"));
        }

        await harness.Broker.StopAsync();
        foreach (var client in clients)
        {
            await client.ExpectClosedAsync();
        }

        var events = hook.Events.Where(e => e.StartsWith("Closed:", StringComparison.Ordinal) || e == "Stop").ToList();
        Assert.Equal(4, events.Count);
        Assert.Equal("Stop", events[^1]);
        Assert.Equal(["c0", "c1", "c2"], hook.Closed.Select(c => c.ClientId).Order());
        Assert.All(hook.Closed, c => Assert.Equal(MqttCloseReason.ServerShutdown, c.Reason));
        Assert.True(harness.Broker.IsStopping);
        Assert.Equal(0, harness.Broker.ConnectionCount);

        // A stopped broker accepts nothing.
        var late = harness.Open();
        await late.SendAsync(new ConnectPacket { ClientId = "late" });
        Assert.Empty(await late.ExpectClosedAsync());
    }

    [Fact]
    public async Task PublishAsync_reports_Success_when_a_subscriber_matched_even_if_a_drop_hook_yields()
    {
        // The drop hook resumes on another thread; the result must still describe this publish, not whatever
        // that thread routed last.
        var hook = new YieldingDropHook();
        await using var harness = new BrokerHarness(null, hook);
        var subscriber = await harness.SubscriberAsync("s", "t", clean: false);
        await subscriber.SendAsync(new DisconnectPacket());
        await subscriber.ExpectClosedAsync();

        for (var i = 0; i < 20; i++)
        {
            // QoS 0 for an offline session is dropped (and reported), but the topic had a matching subscriber.
            Assert.Equal(MqttReasonCode.Success, await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "t" }));
            Assert.Equal(MqttReasonCode.NoMatchingSubscribers, await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "nobody" }));
        }

        Assert.Equal(20, hook.Drops);
    }

    [Fact]
    public async Task GetRemainingExpiry_of_a_retained_message_counts_down_by_the_broker_clock_to_zero()
    {
        await using var harness = new BrokerHarness();
        await harness.Broker.PublishAsync(new MqttApplicationMessage
        {
            Topic = "t", Payload = "m"u8.ToArray(), Retain = true, Properties = new MqttProperties { MessageExpiryInterval = 60 },
        });
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "forever", Payload = "m"u8.ToArray(), Retain = true });
        var retained = harness.Broker.RetainedMessages.Get("t")!;

        Assert.Equal(60u, harness.Broker.GetRemainingExpiry(retained));
        harness.Time.Advance(TimeSpan.FromSeconds(45));
        Assert.Equal(15u, harness.Broker.GetRemainingExpiry(retained));
        harness.Time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(0u, harness.Broker.GetRemainingExpiry(retained));
        Assert.Null(harness.Broker.GetRemainingExpiry(harness.Broker.RetainedMessages.Get("forever")!));
    }

    [Fact]
    public async Task Uptime_is_the_broker_clock_since_StartedAt()
    {
        await using var harness = new BrokerHarness();
        Assert.Equal(TimeSpan.Zero, harness.Broker.Uptime);
        harness.Time.Advance(TimeSpan.FromMinutes(90));
        Assert.Equal(TimeSpan.FromMinutes(90), harness.Broker.Uptime);
        Assert.Equal(harness.Time.GetUtcNow(), harness.Broker.StartedAt + harness.Broker.Uptime);
    }

    private sealed class YieldingDropHook : IMqttHook
    {
        private int _drops;

        public int Drops => _drops;

        public async ValueTask OnMessageDroppedAsync(string clientId, MqttApplicationMessage message, MqttDropReason reason)
        {
            Interlocked.Increment(ref _drops);

            // Continue on a brand-new thread, so that the broker's code after this hook continues there too.
            await default(NewThreadAwaitable);
        }

        private readonly struct NewThreadAwaitable : System.Runtime.CompilerServices.INotifyCompletion
        {
            public bool IsCompleted => false;

            public NewThreadAwaitable GetAwaiter() => this;

            public void GetResult()
            {
            }

            public void OnCompleted(Action continuation) => new Thread(() => continuation()).Start();
        }
    }
}
