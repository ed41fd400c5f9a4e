using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Tests;

/// <summary>
/// MQTT 5.0 shared subscriptions, <c>$share/{ShareName}/{filter}</c> (section 4.8.2), over raw bytes. Where a test
/// counts what a member got without reading it, it counts the member's queued plus in-flight QoS 1 messages: the
/// publisher's PUBACK comes after routing, and a member that never acknowledges keeps every message it was given.
/// </summary>
public class SharedSubscriptionTests
{
    private const MqttQualityOfService QoS1 = MqttQualityOfService.AtLeastOnce;

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task Each_message_goes_to_exactly_one_member_of_every_group_and_to_every_plain_subscriber(MqttProtocolVersion version)
    {
        await using var harness = new BrokerHarness();
        var a = await MemberAsync(harness, "a", "$share/g1/jobs/+", version);
        var b = await MemberAsync(harness, "b", "$share/g1/jobs/+", version);
        var c = await MemberAsync(harness, "c", "$share/g2/jobs/#", version);
        var plain = await MemberAsync(harness, "plain", "jobs/+", version);
        var publisher = await harness.ConnectAsync("pub", version: version);

        for (var i = 1; i <= 6; i++)
        {
            await publisher.PublishAckedAsync("jobs/x", $"m{i}", (ushort)i);
        }

        string[] all = ["m1", "m2", "m3", "m4", "m5", "m6"];
        var fromA = await ReceiveAsync(a, Held(harness, "a"));
        var fromB = await ReceiveAsync(b, Held(harness, "b"));
        Assert.Equal(6, fromA.Count + fromB.Count);
        Assert.Empty(fromA.Intersect(fromB)); // one member of g1 per message...
        Assert.Equal(all, fromA.Concat(fromB).Order()); // ...and every message reached g1
        Assert.Equal(all, await ReceiveAsync(c, 6)); // g2 gets its own copy of each
        Assert.Equal(all, await ReceiveAsync(plain, 6)); // normal subscribers are unaffected
        Assert.Equal(6, Held(harness, "c"));
    }

    [Fact]
    public async Task Round_robin_gives_each_member_an_equal_share()
    {
        await using var harness = new BrokerHarness();
        for (var i = 0; i < 3; i++)
        {
            await MemberAsync(harness, $"m{i}", "$share/g/rr");
        }

        var publisher = await harness.ConnectAsync("pub");
        for (var i = 1; i <= 30; i++)
        {
            await publisher.PublishAckedAsync("rr", $"{i}", (ushort)i);
        }

        Assert.Equal([10, 10, 10], [Held(harness, "m0"), Held(harness, "m1"), Held(harness, "m2")]);
    }

    [Fact]
    public async Task Delivery_QoS_is_the_lower_of_the_published_and_the_members_granted_QoS()
    {
        // [MQTT-4.8.2-3]: the Server MUST respect the granted QoS for the Client's subscription.
        await using var harness = new BrokerHarness();
        var member = await harness.ConnectAsync("m", version: MqttProtocolVersion.V500);
        var subAck = await member.SubscribeAsync("$share/g/q", MqttQualityOfService.AtMostOnce);
        Assert.Equal(MqttReasonCode.Success, Assert.Single(subAck.ReasonCodes));
        var publisher = await harness.ConnectAsync("pub");
        await publisher.PublishAckedAsync("q", "x", 1);

        var publish = await member.ReceivePublishAsync();
        Assert.Equal(MqttQualityOfService.AtMostOnce, publish.QoS);
        Assert.Equal("x", RawClient.Text(publish));
    }

    [Fact]
    public async Task Hash_of_the_client_id_keeps_each_publisher_on_one_member()
    {
        await using var harness = new BrokerHarness(o => o.SharedSubscriptionStrategy = MqttSharedSubscriptionStrategy.HashClientId);
        string[] members = ["m0", "m1", "m2"];
        foreach (var id in members)
        {
            await MemberAsync(harness, id, "$share/g/h/+");
        }

        var before = 0;
        foreach (var publisherId in new[] { "p1", "p2", "p3", "p4" })
        {
            var publisher = await harness.ConnectAsync(publisherId);
            var held = members.Select(m => Held(harness, m)).ToArray();
            for (var i = 1; i <= 5; i++)
            {
                // Different topics, one publisher: one member.
                await publisher.PublishAckedAsync($"h/{i}", $"{publisherId}-{i}", (ushort)i);
            }

            var gained = members.Select((m, i) => Held(harness, m) - held[i]).ToArray();
            Assert.Equal(1, gained.Count(g => g == 5));
            Assert.Equal(2, gained.Count(g => g == 0));
            before += 5;
        }

        Assert.Equal(before, members.Sum(m => Held(harness, m)));
    }

    [Fact]
    public async Task Hash_of_the_topic_keeps_each_topic_on_one_member()
    {
        await using var harness = new BrokerHarness(o => o.SharedSubscriptionStrategy = MqttSharedSubscriptionStrategy.HashTopic);
        string[] members = ["m0", "m1", "m2"];
        foreach (var id in members)
        {
            await MemberAsync(harness, id, "$share/g/t/+");
        }

        ushort packetId = 0;
        foreach (var topic in new[] { "t/a", "t/b", "t/c", "t/d" })
        {
            var held = members.Select(m => Held(harness, m)).ToArray();
            foreach (var publisherId in new[] { "p1", "p2" })
            {
                // Different publishers, one topic: one member.
                var publisher = await harness.ConnectAsync($"{publisherId}-{topic}");
                for (var i = 0; i < 3; i++)
                {
                    await publisher.PublishAckedAsync(topic, $"{topic}-{i}", ++packetId);
                }
            }

            var gained = members.Select((m, i) => Held(harness, m) - held[i]).ToArray();
            Assert.Equal(1, gained.Count(g => g == 6));
            Assert.Equal(2, gained.Count(g => g == 0));
        }
    }

    [Fact]
    public async Task Sticky_keeps_one_member_until_it_goes_away_then_sticks_to_the_next()
    {
        await using var harness = new BrokerHarness(o => o.SharedSubscriptionStrategy = MqttSharedSubscriptionStrategy.Sticky);
        string[] members = ["m0", "m1", "m2"];
        var clients = new Dictionary<string, RawClient>();
        foreach (var id in members)
        {
            clients[id] = await MemberAsync(harness, id, "$share/g/s", clean: false);
        }

        var publisher = await harness.ConnectAsync("pub");
        for (var i = 1; i <= 6; i++)
        {
            await publisher.PublishAckedAsync("s", $"{i}", (ushort)i);
        }

        var first = Assert.Single(members, m => Held(harness, m) == 6);
        Assert.Equal(6, members.Sum(m => Held(harness, m)));

        // The sticky member goes offline (its persistent session stays): the group moves to another member, once.
        await clients[first].DropAsync();
        await clients[first].Run.WaitAsync(RawClient.Timeout);
        for (var i = 7; i <= 12; i++)
        {
            await publisher.PublishAckedAsync("s", $"{i}", (ushort)i);
        }

        Assert.Equal(6, Held(harness, first));
        var second = Assert.Single(members, m => m != first && Held(harness, m) == 6);
        Assert.Equal(12, members.Sum(m => Held(harness, m)));
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task An_offline_member_is_passed_over_while_an_online_one_can_take_the_message()
    {
        await using var harness = new BrokerHarness();
        var away = await MemberAsync(harness, "away", "$share/g/o", clean: false);
        var here = await MemberAsync(harness, "here", "$share/g/o", clean: false);
        await away.DropAsync();
        await away.Run.WaitAsync(RawClient.Timeout);

        var publisher = await harness.ConnectAsync("pub");
        for (var i = 1; i <= 4; i++)
        {
            await publisher.PublishAckedAsync("o", $"{i}", (ushort)i);
        }

        Assert.Equal(["1", "2", "3", "4"], await ReceiveAsync(here, 4));
        Assert.Equal(0, Held(harness, "away"));

        // Nobody online: the message waits for an offline persistent member rather than being lost.
        await here.DropAsync();
        await here.Run.WaitAsync(RawClient.Timeout);
        await publisher.PublishAckedAsync("o", "5", 5);
        Assert.Equal(4 + 1, Held(harness, "away") + Held(harness, "here"));
    }

    [Fact]
    public async Task A_member_with_a_full_queue_is_passed_over_and_a_message_nobody_can_take_is_reported_dropped()
    {
        var hook = new TestHook();
        await using var harness = new BrokerHarness(o => { o.MaxInflightMessages = 1; o.MaxQueuedMessages = 2; }, hook);
        var full = await MemberAsync(harness, "full", "$share/g/f");
        await full.SubscribeAsync("fill", QoS1, packetId: 2);
        var other = await MemberAsync(harness, "other", "$share/g/f");
        var publisher = await harness.ConnectAsync("pub");
        await publisher.PublishAckedAsync("fill", "fill1", 1);
        await full.ReceivePublishAsync(); // in flight, never acknowledged
        await publisher.PublishAckedAsync("fill", "fill2", 2);
        await publisher.PublishAckedAsync("fill", "fill3", 3); // two queued behind it: full

        Assert.Equal(3, Held(harness, "full"));
        await publisher.PublishAckedAsync("f", "s1", 11);
        await other.ReceivePublishAsync(); // in flight, never acknowledged
        await publisher.PublishAckedAsync("f", "s2", 12);
        await publisher.PublishAckedAsync("f", "s3", 13);
        Assert.Equal(3, Held(harness, "full"));
        Assert.Equal(3, Held(harness, "other")); // round robin would have given "full" one or two of them
        Assert.Empty(hook.Dropped);

        // Both full: the message is dropped (the default policy drops the newest) and the hooks hear of it.
        await publisher.PublishAckedAsync("f", "s4", 14);
        var dropped = Assert.Single(hook.Dropped);
        Assert.Equal("s4", System.Text.Encoding.UTF8.GetString(dropped.Message.Payload.Span));
        Assert.Equal(MqttDropReason.QueueFull, dropped.Reason);
        Assert.Equal(6, Held(harness, "full") + Held(harness, "other"));
    }

    [Fact]
    public async Task When_a_members_session_ends_its_unacknowledged_QoS1_messages_go_to_another_member()
    {
        // Section 4.8.2: "If the Client's Session terminates before the Client reconnects, the Server SHOULD send
        // the Application Message to another Client that is subscribed to the same Shared Subscription."
        var hook = new TestHook();
        await using var harness = new BrokerHarness(o => o.MaxInflightMessages = 1, hook);
        var leaving = await MemberAsync(harness, "leaving", "$share/g/r");
        var staying = await MemberAsync(harness, "staying", "$share/g/r");
        var publisher = await harness.ConnectAsync("pub");
        for (var i = 1; i <= 4; i++)
        {
            await publisher.PublishAckedAsync("r", $"{i}", (ushort)i);
        }

        // Round robin: each has one message in flight (received, not acknowledged) and one queued.
        var inflight = await leaving.ReceivePublishAsync();
        var first = await staying.ReceivePublishAsync();
        await staying.AckAsync(first);
        var second = await staying.ReceivePublishAsync();
        await staying.AckAsync(second);
        Assert.Equal(2, Held(harness, "leaving"));

        await leaving.DropAsync(); // clean session: it ends with the connection
        await leaving.Run.WaitAsync(RawClient.Timeout);

        var reoffered = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var publish = await staying.ReceivePublishAsync();
            Assert.False(publish.Dup); // a first delivery to this client (section 3.3.1.1)
            reoffered.Add(RawClient.Text(publish));
            await staying.AckAsync(publish);
        }

        Assert.Equal(["1", "2", "3", "4"], new[] { RawClient.Text(first), RawClient.Text(second) }.Concat(reoffered).Order());
        Assert.Contains(RawClient.Text(inflight), reoffered);
        Assert.Empty(hook.Dropped);
    }

    [Fact]
    public async Task When_a_members_session_ends_a_QoS2_message_it_was_sent_goes_to_nobody_else()
    {
        // [MQTT-4.8.2-5]: if the Client's Session terminates before the Client reconnects, the Server MUST NOT send
        // the (QoS 2) Application Message to any other subscribed Client.
        var hook = new TestHook();
        await using var harness = new BrokerHarness(configure: null, hook);
        var leaving = await harness.ConnectAsync("leaving");
        await leaving.SubscribeAsync("$share/g/q2", MqttQualityOfService.ExactlyOnce);
        var staying = await harness.ConnectAsync("staying");
        await staying.SubscribeAsync("$share/g/q2", MqttQualityOfService.ExactlyOnce);
        var publisher = await harness.ConnectAsync("pub");
        await publisher.PublishAsync("q2", "once", MqttQualityOfService.ExactlyOnce, packetId: 1);
        await publisher.ReceiveAsync<PubRecPacket>();

        var sent = await leaving.ReceivePublishAsync(); // round robin starts with the first member
        Assert.Equal(MqttQualityOfService.ExactlyOnce, sent.QoS);
        await leaving.DropAsync();
        await leaving.Run.WaitAsync(RawClient.Timeout);

        Assert.Equal(0, Held(harness, "staying"));
        var dropped = Assert.Single(hook.Dropped);
        Assert.Equal(("leaving", MqttDropReason.SessionEnded), (dropped.ClientId, dropped.Reason));
    }

    [Fact]
    public async Task Unsubscribing_passes_the_members_queued_messages_to_the_others_and_finishes_those_in_flight()
    {
        await using var harness = new BrokerHarness(o => o.MaxInflightMessages = 1);
        var leaving = await MemberAsync(harness, "leaving", "$share/g/u", MqttProtocolVersion.V500);
        await MemberAsync(harness, "staying", "$share/g/u");
        var publisher = await harness.ConnectAsync("pub");
        for (var i = 1; i <= 4; i++)
        {
            await publisher.PublishAckedAsync("u", $"{i}", (ushort)i);
        }

        var inflight = await leaving.ReceivePublishAsync();
        Assert.Equal(2, Held(harness, "leaving"));

        await leaving.SendAsync(new UnsubscribePacket { PacketId = 9, Filters = ["$share/g/u"] });
        var unsubAck = await leaving.ReceiveAsync<UnsubAckPacket>();
        Assert.Equal([MqttReasonCode.Success], unsubAck.ReasonCodes);

        // The message in flight completes with the leaving member [MQTT-3.10.4-3]; the queued one moved.
        Assert.Equal(1, Held(harness, "leaving"));
        Assert.Equal(3, Held(harness, "staying"));
        await leaving.AckAsync(inflight);
        await leaving.PingAsync();
        Assert.Equal(0, Held(harness, "leaving"));

        // Out of the group: later messages all go to the member left, and a second UNSUBSCRIBE finds nothing.
        await publisher.PublishAckedAsync("u", "5", 5);
        Assert.Equal(4, Held(harness, "staying"));
        await leaving.SendAsync(new UnsubscribePacket { PacketId = 10, Filters = ["$share/g/u"] });
        Assert.Equal([MqttReasonCode.NoSubscriptionExisted], (await leaving.ReceiveAsync<UnsubAckPacket>()).ReasonCodes);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task A_shared_subscribe_gets_no_retained_messages(MqttProtocolVersion version)
    {
        // Only a new Non-shared Subscription is sent the retained messages (MQTT 5.0 section 3.3.1.3).
        await using var harness = new BrokerHarness();
        var publisher = await harness.ConnectAsync("pub");
        await publisher.PublishAckedAsync("ret/a", "kept", 1, retain: true);

        var member = await harness.ConnectAsync("member", version: version);
        Assert.Equal(MqttReasonCode.GrantedQoS1, Assert.Single((await member.SubscribeAsync("$share/g/ret/#", QoS1)).ReasonCodes));
        await member.PingAsync(); // the SUBSCRIBE has been handled in full
        Assert.Equal(0, Held(harness, "member"));

        // The same client's non-shared subscription does get it, and the shared one gets new messages.
        await member.SubscribeAsync("ret/#", QoS1, packetId: 2);
        var retained = await member.ReceivePublishAsync();
        Assert.True(retained.Retain);
        await member.AckAsync(retained);
        await member.SendAsync(new UnsubscribePacket { PacketId = 3, Filters = ["ret/#"] });
        await member.ReceiveAsync<UnsubAckPacket>();
        await publisher.PublishAckedAsync("ret/a", "new", 2);
        Assert.Equal("new", RawClient.Text(await member.ReceivePublishAsync()));
    }

    [Fact]
    public async Task CONNACK_advertises_shared_subscriptions_when_enabled()
    {
        await using var harness = new BrokerHarness();
        var connAck = await harness.Open().ConnectAsync("c", version: MqttProtocolVersion.V500);
        // Absent means available (section 3.2.2.3.15); the broker sends it only to say 0.
        Assert.True(connAck.Properties?.SharedSubscriptionAvailable is null or 1);
    }

    [Fact]
    public async Task When_disabled_CONNACK_says_so_and_a_shared_subscribe_is_refused_with_0x9E()
    {
        // Shared Subscription Available 0 in CONNACK; SUBACK 0x9E for a shared filter (MQTT 5.0 sections 3.2.2.3.15, 3.9.3).
        await using var harness = new BrokerHarness(o => o.SharedSubscriptionsAvailable = false);
        var v5 = harness.Open();
        var connAck = await v5.ConnectAsync("v5", version: MqttProtocolVersion.V500);
        Assert.Equal((byte)0, connAck.Properties?.SharedSubscriptionAvailable);
        var subAck = await v5.SubscribeAsync(1, ("$share/g/t", QoS1), ("t", QoS1));
        Assert.Equal([MqttReasonCode.SharedSubscriptionsNotSupported, MqttReasonCode.GrantedQoS1], subAck.ReasonCodes);

        var v3 = await harness.ConnectAsync("v3");
        Assert.Equal([MqttReasonCode.UnspecifiedError], (await v3.SubscribeAsync("$share/g/t", QoS1)).ReasonCodes); // 0x80 in v3
        Assert.Equal(1, harness.Broker.SubscriptionCount); // only v5's plain "t"
        Assert.Equal(MqttReasonCode.SharedSubscriptionsNotSupported, await harness.Broker.SubscribeAsync("v3", new MqttTopicFilter { Filter = "$share/g/t" }));
        Assert.Equal(1, harness.Broker.SubscriptionCount);
    }

    [Fact]
    public async Task An_MQTT311_SUBSCRIBE_with_a_malformed_share_name_is_refused_per_filter_with_0x80()
    {
        // [MQTT-4.8.2-1] a ShareName of at least one character; [MQTT-4.8.2-2] without '/', '+' or '#', followed by
        // '/' and a Topic Filter. MQTT 3.1.1 has no shared subscriptions of its own, so the broker checks them.
        await using var harness = new BrokerHarness();
        var client = await harness.ConnectAsync("v3");
        var subAck = await client.SubscribeAsync(1, ("$share//t", QoS1), ("$share/+/t", QoS1), ("$share/g", QoS1), ("$share/#", QoS1), ("$share/g/t", QoS1));
        Assert.Equal(
            [MqttReasonCode.UnspecifiedError, MqttReasonCode.UnspecifiedError, MqttReasonCode.UnspecifiedError, MqttReasonCode.UnspecifiedError, MqttReasonCode.GrantedQoS1],
            subAck.ReasonCodes); // 0x80 Failure in 3.1.1
        Assert.Equal(["$share/g/t"], harness.Broker.GetClient("v3")!.Subscriptions.Select(s => s.Filter));
    }

    [Fact]
    public async Task An_MQTT5_SUBSCRIBE_with_a_malformed_share_name_is_a_protocol_error()
    {
        // [MQTT-4.8.2-1] [MQTT-4.8.2-2]: checked by the codec; the connection ends with DISCONNECT 0x82.
        await using var harness = new BrokerHarness();
        var client = await harness.ConnectAsync("v5", version: MqttProtocolVersion.V500);
        await client.SendAsync(new SubscribePacket { PacketId = 1, Filters = [new MqttTopicFilter { Filter = "$share//t" }] });
        var before = await client.ExpectClosedAsync();
        Assert.Equal(MqttReasonCode.ProtocolError, Assert.IsType<DisconnectPacket>(Assert.Single(before)).ReasonCode);
    }

    [Fact]
    public async Task The_server_API_subscribes_and_unsubscribes_shared_filters_and_lists_them()
    {
        await using var harness = new BrokerHarness();
        var a = await harness.ConnectAsync("a");
        var b = await harness.ConnectAsync("b");
        Assert.Equal(MqttReasonCode.GrantedQoS1, await harness.Broker.SubscribeAsync("a", new MqttTopicFilter { Filter = "$share/g/api", MaximumQoS = QoS1 }));
        Assert.Equal(MqttReasonCode.GrantedQoS1, await harness.Broker.SubscribeAsync("b", new MqttTopicFilter { Filter = "$share/g/api", MaximumQoS = QoS1 }));
        Assert.Equal(MqttReasonCode.TopicFilterInvalid, await harness.Broker.SubscribeAsync("a", new MqttTopicFilter { Filter = "$share/+/api" }));
        Assert.Equal(2, harness.Broker.SubscriptionCount);
        Assert.All(harness.Broker.GetClients(), c => Assert.Equal(["$share/g/api"], c.Subscriptions.Select(s => s.Filter)));

        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "api", Payload = "1"u8.ToArray(), QoS = QoS1 });
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "api", Payload = "2"u8.ToArray(), QoS = QoS1 });
        Assert.Equal((1, 1), (Held(harness, "a"), Held(harness, "b")));
        Assert.Equal("1", RawClient.Text(await a.ReceivePublishAsync())); // in flight: it stays with "a" [MQTT-3.10.4-3]

        Assert.True(harness.Broker.Unsubscribe("a", "$share/g/api"));
        Assert.False(harness.Broker.Unsubscribe("a", "$share/g/api"));
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "api", Payload = "3"u8.ToArray(), QoS = QoS1 });
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "api", Payload = "4"u8.ToArray(), QoS = QoS1 });
        Assert.Equal(3, Held(harness, "b"));
        Assert.Equal(["2", "3", "4"], (await ReceiveAsync(b, 3)).Order());
        Assert.Equal(1, harness.Broker.SubscriptionCount);
    }

    [Fact]
    public async Task A_message_a_member_refused_with_PUBACK_0x80_is_not_sent_to_another_member()
    {
        // [MQTT-4.8.2-6]: the Server MUST discard the Application Message and not attempt to send it to any other Subscriber.
        await using var harness = new BrokerHarness();
        var refusing = await MemberAsync(harness, "refusing", "$share/g/n", MqttProtocolVersion.V500);
        await MemberAsync(harness, "other", "$share/g/n");
        var publisher = await harness.ConnectAsync("pub");
        await publisher.PublishAckedAsync("n", "no", 1);

        var publish = await refusing.ReceivePublishAsync();
        await refusing.SendAsync(new PubAckPacket { PacketId = publish.PacketId, ReasonCode = MqttReasonCode.UnspecifiedError });
        await refusing.PingAsync();
        await refusing.DropAsync();
        await refusing.Run.WaitAsync(RawClient.Timeout);
        Assert.Equal(0, Held(harness, "other"));
    }

    private static async Task<RawClient> MemberAsync(BrokerHarness harness, string clientId, string filter, MqttProtocolVersion version = MqttProtocolVersion.V311, bool clean = true)
    {
        var client = await harness.ConnectAsync(clientId, clean, version);
        var subAck = await client.SubscribeAsync(filter, QoS1);
        Assert.Equal(MqttReasonCode.GrantedQoS1, Assert.Single(subAck.ReasonCodes));
        return client;
    }

    /// <summary>QoS 1 messages the member was given and has not acknowledged: queued plus in flight.</summary>
    private static int Held(BrokerHarness harness, string clientId) =>
        harness.Broker.GetClient(clientId) is { } c ? c.QueuedMessages + c.InflightMessages : 0;

    private static async Task<List<string>> ReceiveAsync(RawClient client, int count)
    {
        var payloads = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            payloads.Add(RawClient.Text(await client.ReceivePublishAsync()));
        }

        return payloads;
    }
}
