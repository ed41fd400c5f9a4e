using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Tests;

/// <summary>What the broker tells MQTT 5.0 clients in CONNACK (section 3.2.2.3), and how it holds them to it.</summary>
public class Mqtt5CapabilityTests
{
    private static async Task<MqttReasonCode> ClosedWithAsync(RawClient client) =>
        Assert.IsType<DisconnectPacket>(Assert.Single(await client.ExpectClosedAsync())).ReasonCode;

    [Fact]
    public async Task Default_CONNACK_advertises_no_limits_on_QoS_retain_wildcards_or_subscription_identifiers() // section 3.2.2.3: absent means supported
    {
        await using var harness = new BrokerHarness();
        var connAck = await harness.Open().Connect5Async("c");
        var p = connAck.Properties!;
        Assert.Equal((null, null, null, null), (p.MaximumQoS, p.RetainAvailable, p.WildcardSubscriptionAvailable, p.SubscriptionIdentifierAvailable));
        Assert.Null(p.ResponseInformation);
        Assert.Null(p.ServerKeepAlive);
        Assert.Null(p.AssignedClientIdentifier);
    }

    [Fact]
    public async Task MaximumQoS_1_is_advertised_and_a_QoS_2_PUBLISH_gets_DISCONNECT_0x9B() // [MQTT-3.2.2-9] [MQTT-3.2.2-11]
    {
        await using var harness = new BrokerHarness(o => o.MaximumQoS = MqttQualityOfService.AtLeastOnce);
        var client = harness.Open();
        Assert.Equal((byte)1, (await client.Connect5Async("c")).Properties?.MaximumQoS);

        await client.PublishAsync("t", "x"u8.ToArray(), null, MqttQualityOfService.ExactlyOnce, 1);
        Assert.Equal(MqttReasonCode.QoSNotSupported, await ClosedWithAsync(client));
    }

    [Fact]
    public async Task MaximumQoS_1_grants_QoS_1_to_a_QoS_2_SUBSCRIBE() // section 3.2.2.3.4
    {
        await using var harness = new BrokerHarness(o => o.MaximumQoS = MqttQualityOfService.AtLeastOnce);
        var client = await harness.Connect5Async("c");
        Assert.Equal(MqttReasonCode.GrantedQoS1, Assert.Single((await client.Subscribe5Async("t", MqttQualityOfService.ExactlyOnce)).ReasonCodes));
    }

    [Fact]
    public async Task MaximumQoS_1_refuses_a_QoS_2_will_with_CONNACK_0x9B() // [MQTT-3.2.2-12]
    {
        await using var harness = new BrokerHarness(o => o.MaximumQoS = MqttQualityOfService.AtLeastOnce);
        var client = harness.Open();
        var connAck = await client.Connect5Async("c", will: new MqttWill { Topic = "w", QoS = MqttQualityOfService.ExactlyOnce });
        Assert.Equal((MqttReasonCode.QoSNotSupported, false), (connAck.ReasonCode, connAck.SessionPresent));
        Assert.Empty(await client.ExpectClosedAsync());
    }

    [Fact]
    public async Task Retain_not_available_is_advertised_and_a_retained_PUBLISH_gets_DISCONNECT_0x9A() // [MQTT-3.2.2-14]
    {
        await using var harness = new BrokerHarness(o => o.RetainAvailable = false);
        var client = harness.Open();
        Assert.Equal((byte)0, (await client.Connect5Async("c")).Properties?.RetainAvailable);

        await client.PublishAsync("t", "x"u8.ToArray(), null, retain: true);
        Assert.Equal(MqttReasonCode.RetainNotSupported, await ClosedWithAsync(client));
        Assert.Null(harness.Broker.RetainedMessages.Get("t"));
    }

    [Fact]
    public async Task Retain_not_available_refuses_a_retained_will_with_CONNACK_0x9A() // [MQTT-3.2.2-13]
    {
        await using var harness = new BrokerHarness(o => o.RetainAvailable = false);
        var client = harness.Open();
        var connAck = await client.Connect5Async("c", will: new MqttWill { Topic = "w", Retain = true });
        Assert.Equal(MqttReasonCode.RetainNotSupported, connAck.ReasonCode);
        Assert.Empty(await client.ExpectClosedAsync());
    }

    [Fact]
    public async Task Wildcards_not_available_is_advertised_and_wildcard_filters_get_SUBACK_0xA2() // section 3.2.2.3.11
    {
        await using var harness = new BrokerHarness(o => o.WildcardSubscriptionAvailable = false);
        var client = harness.Open();
        Assert.Equal((byte)0, (await client.Connect5Async("c")).Properties?.WildcardSubscriptionAvailable);

        var subAck = await client.SubscribeAsync(1, ("a/+", MqttQualityOfService.AtMostOnce), ("a/b", MqttQualityOfService.AtMostOnce), ("#", MqttQualityOfService.AtMostOnce));
        Assert.Equal([MqttReasonCode.WildcardSubscriptionsNotSupported, MqttReasonCode.Success, MqttReasonCode.WildcardSubscriptionsNotSupported], subAck.ReasonCodes);
        Assert.Equal("a/b", Assert.Single(harness.Broker.GetClient("c")!.Subscriptions).Filter);
    }

    [Fact]
    public async Task Wildcards_not_available_refuses_wildcard_filters_with_0x80_for_MQTT_3_1_1() // 3.1.1 [MQTT-3.9.3-2]
    {
        await using var harness = new BrokerHarness(o => o.WildcardSubscriptionAvailable = false);
        var client = await harness.ConnectAsync("c");
        var subAck = await client.SubscribeAsync(1, ("a/+", MqttQualityOfService.AtMostOnce), ("a/b", MqttQualityOfService.AtLeastOnce));
        Assert.Equal([MqttReasonCode.UnspecifiedError, MqttReasonCode.GrantedQoS1], subAck.ReasonCodes);
    }

    [Fact]
    public async Task Subscription_identifiers_not_available_is_advertised_and_a_SUBSCRIBE_with_one_gets_DISCONNECT_0xA1() // section 3.2.2.3.12
    {
        await using var harness = new BrokerHarness(o => o.SubscriptionIdentifiersAvailable = false);
        var client = harness.Open();
        Assert.Equal((byte)0, (await client.Connect5Async("c")).Properties?.SubscriptionIdentifierAvailable);
        await client.PingAsync();

        await client.SendAsync(new SubscribePacket
        {
            PacketId = 1,
            Filters = [new MqttTopicFilter { Filter = "t" }],
            Properties = new MqttProperties { SubscriptionIdentifiers = [7] },
        });
        Assert.Equal(MqttReasonCode.SubscriptionIdentifiersNotSupported, await ClosedWithAsync(client));
        Assert.Null(harness.Broker.GetClient("c"));
    }

    [Fact]
    public async Task Invalid_UTF_8_marked_as_UTF_8_is_refused_with_0x99_and_not_delivered_when_validation_is_on() // section 3.3.2.3.2
    {
        await using var harness = new BrokerHarness(o => o.ValidateUtf8Payloads = true);
        var subscriber = await harness.Subscriber5Async("s", "t");
        var publisher = await harness.Connect5Async("p");
        var utf8 = new MqttProperties { PayloadFormatIndicator = 1 };

        await publisher.PublishAsync("t", new byte[] { 0xC3, 0x28 }, utf8, MqttQualityOfService.AtLeastOnce, 1);
        Assert.Equal(MqttReasonCode.PayloadFormatInvalid, (await publisher.ReceiveAsync<PubAckPacket>()).ReasonCode);
        await publisher.PublishAsync("t", "héllo"u8.ToArray(), utf8, MqttQualityOfService.AtLeastOnce, 2);
        Assert.Equal(MqttReasonCode.Success, (await publisher.ReceiveAsync<PubAckPacket>()).ReasonCode);

        Assert.Equal("héllo", RawClient.Text(await subscriber.ReceivePublishAsync()));
    }

    [Fact]
    public async Task Invalid_UTF_8_is_forwarded_untouched_when_validation_is_off() // section 3.3.2.3.2: the check is optional
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.Subscriber5Async("s", "t");
        var publisher = await harness.Connect5Async("p");
        await publisher.PublishAsync("t", new byte[] { 0xC3, 0x28 }, new MqttProperties { PayloadFormatIndicator = 1 }, MqttQualityOfService.AtLeastOnce, 1);
        Assert.Equal(MqttReasonCode.Success, (await publisher.ReceiveAsync<PubAckPacket>()).ReasonCode);
        Assert.Equal(new byte[] { 0xC3, 0x28 }, (await subscriber.ReceivePublishAsync()).Payload.ToArray());
    }

    [Fact]
    public async Task Will_marked_UTF_8_with_an_invalid_payload_is_refused_with_CONNACK_0x99_when_validation_is_on() // section 3.1.3.2.3
    {
        await using var harness = new BrokerHarness(o => o.ValidateUtf8Payloads = true);
        var client = harness.Open();
        var will = new MqttWill { Topic = "w", Payload = new byte[] { 0xFF }, Properties = new MqttProperties { PayloadFormatIndicator = 1 } };
        Assert.Equal(MqttReasonCode.PayloadFormatInvalid, (await client.Connect5Async("c", will: will)).ReasonCode);
        Assert.Empty(await client.ExpectClosedAsync());
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData((byte)0, null)]
    [InlineData((byte)1, "resp/")]
    public async Task Response_Information_is_sent_only_when_the_client_asks_for_it(byte? request, string? expected) // sections 3.1.2.11.6 and 3.2.2.3.15
    {
        await using var harness = new BrokerHarness(o => o.ResponseInformation = "resp/");
        var connAck = await harness.Open().Connect5Async("c", properties: new MqttProperties { RequestResponseInformation = request });
        Assert.Equal(expected, connAck.Properties?.ResponseInformation);
    }

    [Fact]
    public async Task Server_Keep_Alive_lowers_a_keep_alive_above_MaxKeepAlive_and_the_broker_enforces_it() // [MQTT-3.2.2-21] [MQTT-3.1.2-22]
    {
        await using var harness = new BrokerHarness(o => o.MaxKeepAlive = 30);
        var client = harness.Open();
        Assert.Equal((ushort)30, (await client.Connect5Async("c", keepAlive: 60)).Properties?.ServerKeepAlive);
        await client.PingAsync();

        harness.Time.Advance(TimeSpan.FromSeconds(44));
        await client.PingAsync(); // still open at 44 s
        harness.Time.Advance(TimeSpan.FromSeconds(45)); // 1.5 × 30 s without a packet
        Assert.Equal(MqttReasonCode.KeepAliveTimeout, await ClosedWithAsync(client));
    }

    [Theory]
    [InlineData((ushort)20, null)] // within the limit: the client's own keep alive stands
    [InlineData((ushort)0, (ushort)30)] // 0 (no keep alive) is above any limit
    public async Task Server_Keep_Alive_is_sent_only_when_the_broker_changes_the_keep_alive(ushort keepAlive, ushort? expected) // section 3.2.2.3.14
    {
        await using var harness = new BrokerHarness(o => o.MaxKeepAlive = 30);
        Assert.Equal(expected, (await harness.Open().Connect5Async("c", keepAlive: keepAlive)).Properties?.ServerKeepAlive);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Empty_client_identifier_gets_an_Assigned_Client_Identifier(bool cleanStart) // [MQTT-3.1.3-7] [MQTT-3.2.2-16]
    {
        await using var harness = new BrokerHarness();
        var client = harness.Open();
        var connAck = await client.Connect5Async("", cleanStart);
        Assert.Equal(MqttReasonCode.Success, connAck.ReasonCode);
        var assigned = connAck.Properties?.AssignedClientIdentifier;
        Assert.StartsWith("gmqtt-", assigned);
        await client.PingAsync();
        Assert.True(harness.Broker.GetClient(assigned!)!.Connected);
    }
}
