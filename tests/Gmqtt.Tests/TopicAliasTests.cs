using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Tests;

/// <summary>MQTT 5.0 topic aliases (section 3.3.2.3.4), client to broker and broker to client.</summary>
public class TopicAliasTests
{
    private const MqttProtocolVersion V5 = MqttProtocolVersion.V500;

    // ---------------------------------------------------------------- inbound: the client's aliases

    [Fact]
    public async Task CONNACK_advertises_the_configured_Topic_Alias_Maximum()
    {
        await using var harness = new BrokerHarness(o => o.TopicAliasMaximum = 7);
        var (_, connAck) = await ConnectV5Async(harness, "c");
        Assert.Equal((ushort)7, connAck.Properties!.TopicAliasMaximum);
    }

    [Fact]
    public async Task Alias_set_with_a_topic_then_used_alone_routes_the_real_topic_without_the_alias() // section 3.3.4, [MQTT-3.3.2-7]
    {
        await using var harness = new BrokerHarness();
        var (subscriber, _) = await ConnectV5Async(harness, "s");
        await subscriber.SubscribeAsync("alias/#");
        var v3 = await harness.SubscriberAsync("s3", "alias/#");
        var (publisher, _) = await ConnectV5Async(harness, "p");

        await PublishAckedAsync(publisher, "alias/room/temperature", 3, "1", packetId: 1);
        await PublishAckedAsync(publisher, "", 3, "2", packetId: 2);

        foreach (var payload in new[] { "1", "2" })
        {
            var received = await subscriber.ReceivePublishAsync();
            Assert.Equal(("alias/room/temperature", payload), (received.Topic, RawClient.Text(received)));
            Assert.Null(received.Properties?.TopicAlias); // The mapping belongs to the publisher's connection.
            var v3Received = await v3.ReceivePublishAsync();
            Assert.Equal(("alias/room/temperature", payload), (v3Received.Topic, RawClient.Text(v3Received)));
        }
    }

    [Fact]
    public async Task Retained_message_published_through_an_alias_is_stored_under_its_real_topic_without_the_alias()
    {
        await using var harness = new BrokerHarness();
        var (publisher, _) = await ConnectV5Async(harness, "p");
        await PublishAckedAsync(publisher, "alias/retained/x", 1, "a", packetId: 1);
        await PublishAckedAsync(publisher, "", 1, "b", packetId: 2, retain: true);

        var stored = harness.Broker.RetainedMessages.Get("alias/retained/x");
        Assert.NotNull(stored);
        Assert.Null(stored.Properties?.TopicAlias);

        var (subscriber, _) = await ConnectV5Async(harness, "s");
        await subscriber.SubscribeAsync("alias/retained/x");
        var retained = await subscriber.ReceivePublishAsync();
        Assert.Equal(("alias/retained/x", "b", true), (retained.Topic, RawClient.Text(retained), retained.Retain));
        Assert.Null(retained.Properties?.TopicAlias);
    }

    [Fact]
    public async Task A_topic_with_a_known_alias_replaces_its_mapping() // section 3.3.4
    {
        await using var harness = new BrokerHarness();
        var (subscriber, _) = await ConnectV5Async(harness, "s");
        await subscriber.SubscribeAsync("alias/#");
        var (publisher, _) = await ConnectV5Async(harness, "p");

        await PublishAckedAsync(publisher, "alias/first", 1, "1", packetId: 1);
        await PublishAckedAsync(publisher, "alias/second", 1, "2", packetId: 2);
        await PublishAckedAsync(publisher, "", 1, "3", packetId: 3);

        Assert.Equal("alias/first", (await subscriber.ReceivePublishAsync()).Topic);
        Assert.Equal("alias/second", (await subscriber.ReceivePublishAsync()).Topic);
        var third = await subscriber.ReceivePublishAsync();
        Assert.Equal(("alias/second", "3"), (third.Topic, RawClient.Text(third)));
    }

    [Fact]
    public async Task Every_alias_up_to_the_maximum_is_accepted() // [MQTT-3.3.2-12]
    {
        await using var harness = new BrokerHarness(o => o.TopicAliasMaximum = 3);
        var (publisher, _) = await ConnectV5Async(harness, "p");
        for (ushort alias = 1; alias <= 3; alias++)
        {
            await PublishAckedAsync(publisher, $"alias/{alias}", alias, "x", packetId: alias);
        }

        await PublishAckedAsync(publisher, "", 3, "x", packetId: 4);
    }

    [Fact]
    public async Task Topic_Alias_0_is_refused_with_DISCONNECT_0x94() // [MQTT-3.3.2-8], section 3.3.4
    {
        await using var harness = new BrokerHarness();
        var (publisher, _) = await ConnectV5Async(harness, "p");

        // PUBLISH QoS 0, topic "a/b", properties: Topic Alias (0x23) = 0.
        await publisher.SendBytesAsync(0x30, 0x09, 0x00, 0x03, (byte)'a', (byte)'/', (byte)'b', 0x03, 0x23, 0x00, 0x00);

        await ExpectDisconnectAsync(publisher, MqttReasonCode.TopicAliasInvalid);
    }

    [Fact]
    public async Task Topic_Alias_above_the_maximum_is_refused_with_DISCONNECT_0x94() // [MQTT-3.3.2-9] [MQTT-3.2.2-17]
    {
        await using var harness = new BrokerHarness(o => o.TopicAliasMaximum = 5);
        var (subscriber, _) = await ConnectV5Async(harness, "s");
        await subscriber.SubscribeAsync("alias/#");
        var (publisher, _) = await ConnectV5Async(harness, "p");
        await PublishAckedAsync(publisher, "alias/ok", 5, "ok", packetId: 1);

        await publisher.SendAsync(new PublishPacket { Topic = "alias/too-far", QoS = MqttQualityOfService.AtLeastOnce, PacketId = 2, Properties = new MqttProperties { TopicAlias = 6 } });

        await ExpectDisconnectAsync(publisher, MqttReasonCode.TopicAliasInvalid);
        var marker = await harness.ConnectAsync("marker");
        await marker.PublishAckedAsync("alias/marker", "m", 1);
        Assert.Equal("alias/ok", (await subscriber.ReceivePublishAsync()).Topic);
        Assert.Equal("alias/marker", (await subscriber.ReceivePublishAsync()).Topic); // The refused PUBLISH was not routed.
    }

    [Fact]
    public async Task Empty_topic_with_an_alias_that_has_no_mapping_is_a_protocol_error() // section 3.3.4: DISCONNECT 0x82
    {
        await using var harness = new BrokerHarness();
        var (publisher, _) = await ConnectV5Async(harness, "p");
        await PublishAckedAsync(publisher, "alias/known", 1, "x", packetId: 1);

        await publisher.SendAsync(new PublishPacket { Topic = "", Properties = new MqttProperties { TopicAlias = 2 } });

        await ExpectDisconnectAsync(publisher, MqttReasonCode.ProtocolError);
    }

    [Fact]
    public async Task Aliases_are_not_carried_over_to_a_new_connection_of_the_same_session() // [MQTT-3.3.2-7]
    {
        await using var harness = new BrokerHarness();
        var persistent = new MqttProperties { SessionExpiryInterval = 3600 };
        var (first, _) = await ConnectV5Async(harness, "p", persistent, clean: false);
        await PublishAckedAsync(first, "alias/before", 1, "x", packetId: 1);
        await first.SendAsync(new DisconnectPacket());
        await first.ExpectClosedAsync();

        var (second, connAck) = await ConnectV5Async(harness, "p", new MqttProperties { SessionExpiryInterval = 3600 }, clean: false);
        Assert.True(connAck.SessionPresent);
        await second.SendAsync(new PublishPacket { Topic = "", Properties = new MqttProperties { TopicAlias = 1 } });

        await ExpectDisconnectAsync(second, MqttReasonCode.ProtocolError);
    }

    [Fact]
    public async Task With_Topic_Alias_Maximum_0_CONNACK_says_0_and_any_alias_is_refused_with_0x94() // [MQTT-3.2.2-18]
    {
        await using var harness = new BrokerHarness(o => o.TopicAliasMaximum = 0);
        var (publisher, connAck) = await ConnectV5Async(harness, "p");
        Assert.Equal((ushort)0, connAck.Properties?.TopicAliasMaximum ?? 0);

        await publisher.SendAsync(new PublishPacket { Topic = "alias/none", Properties = new MqttProperties { TopicAlias = 1 } });

        await ExpectDisconnectAsync(publisher, MqttReasonCode.TopicAliasInvalid);
    }

    // ---------------------------------------------------------------- outbound: the broker's aliases

    [Fact]
    public async Task Subscriber_allowing_N_aliases_gets_topic_and_alias_first_then_the_alias_alone_and_never_more_than_N() // [MQTT-3.3.2-11] [MQTT-3.1.2-26]
    {
        await using var harness = new BrokerHarness();
        var (subscriber, _) = await ConnectV5Async(harness, "s", new MqttProperties { TopicAliasMaximum = 2 });
        await subscriber.SubscribeAsync("out/#");
        var publisher = await harness.ConnectAsync("p");

        string[] topics = ["out/topic-a", "out/topic-a", "out/topic-b", "out/topic-c", "out/topic-c", "out/topic-b", "out/topic-a"];
        for (var i = 0; i < topics.Length; i++)
        {
            await publisher.PublishAsync(topics[i], i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var received = new List<(string Topic, ushort? Alias)>();
        var mapping = new Dictionary<ushort, string>();
        for (var i = 0; i < topics.Length; i++)
        {
            var publish = await subscriber.ReceivePublishAsync();
            var alias = publish.Properties?.TopicAlias;
            received.Add((publish.Topic, alias));
            Assert.True(alias is null or >= 1 and <= 2, $"alias {alias} outside 1..2");

            // What a client does with it (section 3.3.4): the topic it stands for is the one published.
            if (alias is { } a && publish.Topic.Length > 0)
            {
                mapping[a] = publish.Topic;
            }

            Assert.Equal(topics[i], publish.Topic.Length > 0 ? publish.Topic : mapping[alias!.Value]);
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), RawClient.Text(publish));
        }

        // A full table keeps its mappings; a topic without one goes out in full, without an alias.
        Assert.Equal(
            new (string, ushort?)[] { ("out/topic-a", 1), ("", 1), ("out/topic-b", 2), ("out/topic-c", null), ("out/topic-c", null), ("", 2), ("", 1) },
            received);
    }

    [Fact]
    public async Task Subscriber_allowing_no_aliases_gets_none() // [MQTT-3.1.2-27]
    {
        await using var harness = new BrokerHarness();
        var (absent, _) = await ConnectV5Async(harness, "absent");
        await absent.SubscribeAsync("out/#");
        var (zero, _) = await ConnectV5Async(harness, "zero", new MqttProperties { TopicAliasMaximum = 0 });
        await zero.SubscribeAsync("out/#");
        var publisher = await harness.ConnectAsync("p");

        await publisher.PublishAsync("out/repeated/topic", "1");
        await publisher.PublishAsync("out/repeated/topic", "2");

        foreach (var subscriber in new[] { absent, zero })
        {
            for (var i = 0; i < 2; i++)
            {
                var publish = await subscriber.ReceivePublishAsync();
                Assert.Equal("out/repeated/topic", publish.Topic);
                Assert.Null(publish.Properties?.TopicAlias);
            }
        }
    }

    [Fact]
    public async Task MQTT_3_1_1_subscriber_is_unaffected_by_aliases()
    {
        await using var harness = new BrokerHarness();
        var (aliased, _) = await ConnectV5Async(harness, "s5", new MqttProperties { TopicAliasMaximum = 10 });
        await aliased.SubscribeAsync("out/#");
        var v3 = await harness.SubscriberAsync("s3", "out/#");
        var (publisher, _) = await ConnectV5Async(harness, "p");

        await PublishAckedAsync(publisher, "out/shared/topic", 4, "1", packetId: 1);
        await PublishAckedAsync(publisher, "", 4, "2", packetId: 2);

        var first = await aliased.ReceivePublishAsync();
        Assert.Equal(("out/shared/topic", (ushort?)1), (first.Topic, first.Properties?.TopicAlias));
        var second = await aliased.ReceivePublishAsync();
        Assert.Equal(("", (ushort?)1), (second.Topic, second.Properties?.TopicAlias));
        for (var i = 0; i < 2; i++)
        {
            var publish = await v3.ReceivePublishAsync();
            Assert.Equal("out/shared/topic", publish.Topic);
            Assert.Null(publish.Properties);
        }
    }

    [Fact]
    public async Task Aliasing_one_subscriber_never_changes_the_message_another_subscriber_gets()
    {
        await using var harness = new BrokerHarness();
        var (publisher, _) = await ConnectV5Async(harness, "p");
        await publisher.SendAsync(new PublishPacket
        {
            Topic = "out/retained/topic",
            Payload = "r"u8.ToArray(),
            QoS = MqttQualityOfService.AtLeastOnce,
            PacketId = 1,
            Retain = true,
            Properties = new MqttProperties().AddUserProperty("k", "v"),
        });
        await publisher.ReceiveAsync<PubAckPacket>();

        // The retained message is one object, sent to both: first to a client that takes aliases…
        var (aliased, _) = await ConnectV5Async(harness, "s5", new MqttProperties { TopicAliasMaximum = 10 });
        await aliased.SubscribeAsync("out/#");
        var first = await aliased.ReceivePublishAsync();
        Assert.Equal(("out/retained/topic", (ushort?)1), (first.Topic, first.Properties?.TopicAlias));
        Assert.Equal("v", Assert.Single(first.Properties!.UserProperties!).Value);
        Assert.Null(harness.Broker.RetainedMessages.Get("out/retained/topic")!.Properties!.TopicAlias);

        // …then to one that does not: it gets the user property and no alias.
        var (plain, _) = await ConnectV5Async(harness, "plain");
        await plain.SubscribeAsync("out/#");
        var second = await plain.ReceivePublishAsync();
        Assert.Equal("out/retained/topic", second.Topic);
        Assert.Null(second.Properties!.TopicAlias);
        Assert.Equal("v", Assert.Single(second.Properties.UserProperties!).Value);
    }

    [Fact]
    public async Task Message_resent_after_reconnect_carries_its_full_topic_and_the_new_connection_starts_a_new_table() // [MQTT-3.3.2-7]
    {
        await using var harness = new BrokerHarness();
        var properties = new MqttProperties { TopicAliasMaximum = 5, SessionExpiryInterval = 3600 };
        var (subscriber, _) = await ConnectV5Async(harness, "s", properties, clean: false);
        Assert.Equal(MqttReasonCode.GrantedQoS1, Assert.Single((await subscriber.SubscribeAsync("out/#", MqttQualityOfService.AtLeastOnce)).ReasonCodes));
        var publisher = await harness.ConnectAsync("p");
        await publisher.PublishAckedAsync("out/unacked/topic", "1", 1);
        await publisher.PublishAckedAsync("out/unacked/topic", "2", 2);

        var original = new[] { await subscriber.ReceivePublishAsync(), await subscriber.ReceivePublishAsync() };
        Assert.Equal(("out/unacked/topic", (ushort?)1), (original[0].Topic, original[0].Properties?.TopicAlias));
        Assert.Equal(("", (ushort?)1), (original[1].Topic, original[1].Properties?.TopicAlias));
        await subscriber.DropAsync(); // No PUBACK: both stay in flight.
        await subscriber.ExpectClosedAsync();

        var (again, connAck) = await ConnectV5Async(harness, "s", properties, clean: false);
        Assert.True(connAck.SessionPresent);
        for (var i = 0; i < 2; i++)
        {
            var resent = await again.ReceivePublishAsync();
            Assert.True(resent.Dup);
            Assert.Equal(original[i].PacketId, resent.PacketId);
            Assert.Equal("out/unacked/topic", resent.Topic);
            Assert.Null(resent.Properties?.TopicAlias);
            await again.AckAsync(resent);
        }

        await publisher.PublishAckedAsync("out/unacked/topic", "3", 3);
        var fresh = await again.ReceivePublishAsync();
        Assert.Equal(("out/unacked/topic", (ushort?)1, "3"), (fresh.Topic, fresh.Properties?.TopicAlias, RawClient.Text(fresh)));
    }

    [Fact]
    public async Task No_alias_is_added_when_it_would_exceed_the_clients_Maximum_Packet_Size() // [MQTT-3.1.2-24]
    {
        var plain = new PublishPacket { Topic = "out/exactly/the/limit", Payload = "x"u8.ToArray(), Properties = new MqttProperties() };
        var limit = (uint)MqttPacketWriter.GetSize(plain, V5);
        await using var harness = new BrokerHarness();
        var (subscriber, _) = await ConnectV5Async(harness, "s", new MqttProperties { TopicAliasMaximum = 5, MaximumPacketSize = limit });
        await subscriber.SubscribeAsync("out/#");
        var publisher = await harness.ConnectAsync("p");

        await publisher.PublishAsync(plain.Topic, "x");
        await publisher.PublishAsync(plain.Topic, "x");

        for (var i = 0; i < 2; i++)
        {
            var publish = await subscriber.ReceivePublishAsync();
            Assert.Equal(plain.Topic, publish.Topic);
            Assert.Null(publish.Properties?.TopicAlias);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static async Task<(RawClient Client, ConnAckPacket ConnAck)> ConnectV5Async(BrokerHarness harness, string clientId, MqttProperties? properties = null, bool clean = true)
    {
        var client = harness.Open();
        client.Version = V5;
        await client.SendAsync(new ConnectPacket { ProtocolVersion = V5, ClientId = clientId, CleanSession = clean, Properties = properties });
        var connAck = await client.ReceiveAsync<ConnAckPacket>();
        Assert.Equal(MqttReasonCode.Success, connAck.ReasonCode);
        return (client, connAck);
    }

    /// <summary>A QoS 1 PUBLISH with a Topic Alias, waiting for a successful PUBACK (so it has been routed).</summary>
    private static async Task PublishAckedAsync(RawClient client, string topic, ushort alias, string payload, ushort packetId, bool retain = false)
    {
        await client.SendAsync(new PublishPacket
        {
            Topic = topic,
            Payload = System.Text.Encoding.UTF8.GetBytes(payload),
            QoS = MqttQualityOfService.AtLeastOnce,
            PacketId = packetId,
            Retain = retain,
            Properties = new MqttProperties { TopicAlias = alias },
        });
        var ack = await client.ReceiveAsync<PubAckPacket>();
        Assert.Equal(packetId, ack.PacketId);
        Assert.True(ack.ReasonCode < MqttReasonCode.UnspecifiedError, $"PUBACK {ack.ReasonCode}"); // 0x10 when nobody subscribes.
    }

    /// <summary>The broker sends DISCONNECT with <paramref name="code"/> and closes the connection (section 4.13).</summary>
    private static async Task ExpectDisconnectAsync(RawClient client, MqttReasonCode code)
    {
        var disconnect = Assert.IsType<DisconnectPacket>(Assert.Single(await client.ExpectClosedAsync()));
        Assert.Equal(code, disconnect.ReasonCode);
    }
}
