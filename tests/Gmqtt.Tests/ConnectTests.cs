using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Tests;

public class ConnectTests
{
    [Fact]
    public async Task Connect_is_acknowledged_with_success_and_no_session_present() // [MQTT-3.2.2-1]
    {
        await using var harness = new BrokerHarness();
        var client = harness.Open();
        var connAck = await client.ConnectAsync("c1");
        Assert.Equal(MqttReasonCode.Success, connAck.ReasonCode);
        Assert.False(connAck.SessionPresent);
    }

    [Fact]
    public async Task First_packet_other_than_connect_closes_the_connection() // [MQTT-3.1.0-1]
    {
        await using var harness = new BrokerHarness();
        var client = harness.Open();
        await client.SendAsync(PingReqPacket.Instance);
        Assert.Empty(await client.ExpectClosedAsync());
    }

    [Fact]
    public async Task Second_connect_closes_the_connection() // [MQTT-3.1.0-2]
    {
        await using var harness = new BrokerHarness();
        var client = harness.Open();
        await client.ConnectAsync("c1");
        await client.SendAsync(new ConnectPacket { ClientId = "c1" });
        Assert.Empty(await client.ExpectClosedAsync());
    }

    [Fact]
    public async Task Unsupported_protocol_level_gets_connack_0x01_then_close() // [MQTT-3.1.2-2]
    {
        await using var harness = new BrokerHarness();
        var client = harness.Open();
        // CONNECT, "MQTT", level 6, clean session, keep alive 0, client id "a".
        await client.SendBytesAsync(0x10, 0x0D, 0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x06, 0x02, 0x00, 0x00, 0x00, 0x01, (byte)'a');
        var sent = await client.ExpectClosedAsync();
        var connAck = Assert.IsType<ConnAckPacket>(Assert.Single(sent));
        Assert.Equal(MqttReasonCode.UnsupportedProtocolVersion, connAck.ReasonCode); // 0x01 on the wire for 3.1.1
    }

    [Fact]
    public async Task Empty_client_id_with_clean_session_is_assigned_one() // [MQTT-3.1.3-6]
    {
        await using var harness = new BrokerHarness();
        var client = harness.Open();
        Assert.Equal(MqttReasonCode.Success, (await client.ConnectAsync("")).ReasonCode);
        Assert.Single(harness.Broker.GetClients(), c => c.ClientId.StartsWith("gmqtt-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Empty_client_id_without_clean_session_is_rejected_with_0x02() // [MQTT-3.1.3-8]
    {
        await using var harness = new BrokerHarness();
        var client = harness.Open();
        var connAck = await client.ConnectAsync("", clean: false);
        Assert.Equal(MqttReasonCode.ClientIdentifierNotValid, connAck.ReasonCode);
        Assert.False(connAck.SessionPresent); // [MQTT-3.2.2-4]
        Assert.Empty(await client.ExpectClosedAsync()); // [MQTT-3.2.2-5]
    }

    [Fact]
    public async Task Connection_that_sends_nothing_is_closed_after_the_connect_timeout()
    {
        await using var harness = new BrokerHarness(o => o.ConnectTimeout = TimeSpan.FromSeconds(5));
        var client = harness.Open();
        await Eventually.TrueAsync(() => harness.Broker.ConnectionCount == 1);
        harness.Time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(client.Run.IsCompleted);
        harness.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Empty(await client.ExpectClosedAsync());
    }

    [Fact]
    public async Task Clean_session_0_without_a_stored_session_gets_session_present_0() // [MQTT-3.2.2-3]
    {
        await using var harness = new BrokerHarness();
        var connAck = await harness.Open().ConnectAsync("c1", clean: false);
        Assert.Equal(MqttReasonCode.Success, connAck.ReasonCode);
        Assert.False(connAck.SessionPresent);
    }

    [Fact]
    public async Task Clean_session_0_with_a_stored_session_gets_session_present_1() // [MQTT-3.2.2-2]
    {
        await using var harness = new BrokerHarness();
        var first = harness.Open();
        await first.ConnectAsync("c1", clean: false);
        await first.SendAsync(new DisconnectPacket());
        await first.ExpectClosedAsync();

        var connAck = await harness.Open().ConnectAsync("c1", clean: false);
        Assert.Equal(MqttReasonCode.Success, connAck.ReasonCode);
        Assert.True(connAck.SessionPresent);
    }

    [Fact]
    public async Task Clean_session_1_after_a_stored_session_gets_session_present_0() // [MQTT-3.2.2-1]
    {
        await using var harness = new BrokerHarness();
        var first = harness.Open();
        await first.ConnectAsync("c1", clean: false);
        await first.SendAsync(new DisconnectPacket());
        await first.ExpectClosedAsync();

        var connAck = await harness.Open().ConnectAsync("c1", clean: true);
        Assert.False(connAck.SessionPresent);
        Assert.True(harness.Broker.GetClient("c1")!.CleanSession);
    }

    [Theory]
    [InlineData(MqttReasonCode.BadUserNameOrPassword, 4)]
    [InlineData(MqttReasonCode.NotAuthorized, 5)]
    public async Task Hook_refusal_is_sent_as_the_v3_return_code_with_session_present_0_then_close(MqttReasonCode code, byte returnCode) // [MQTT-3.2.2-4] [MQTT-3.2.2-5]
    {
        var hook = new TestHook { Connect = c => c.ReasonCode = code };
        await using var harness = new BrokerHarness(null, hook);
        var client = harness.Open();
        await client.SendAsync(new ConnectPacket { ClientId = "c1", CleanSession = false });

        // Read the CONNACK byte for byte: 0x20 0x02, flags 0 (no Session Present), the return code.
        var bytes = await client.ReceiveBytesAsync(4);
        Assert.Equal(new byte[] { 0x20, 0x02, 0x00, returnCode }, bytes);
        Assert.Empty(await client.ExpectClosedAsync());
        Assert.Null(harness.Broker.GetClient("c1"));
        Assert.True(harness.Logged(3)); // ConnectRefused
    }

    [Fact]
    public async Task Hook_can_assign_the_client_identifier()
    {
        var hook = new TestHook { Connect = c => c.ClientId = "device-" + c.UserName };
        await using var harness = new BrokerHarness(null, hook);
        var client = harness.Open();
        Assert.Equal(MqttReasonCode.Success, (await client.ConnectAsync("whatever", userName: "alice")).ReasonCode);
        var snapshot = Assert.Single(harness.Broker.GetClients());
        Assert.Equal("device-alice", snapshot.ClientId);
        Assert.Equal("alice", snapshot.UserName);
    }

    [Fact]
    public async Task Client_identifier_longer_than_MaxClientIdLength_is_rejected_with_0x02()
    {
        await using var harness = new BrokerHarness(o => o.MaxClientIdLength = 23);
        Assert.Equal(MqttReasonCode.Success, (await harness.Open().ConnectAsync(new string('a', 23))).ReasonCode);

        var client = harness.Open();
        var connAck = await client.ConnectAsync(new string('b', 24));
        Assert.Equal(MqttReasonCode.ClientIdentifierNotValid, connAck.ReasonCode); // 0x02 on the wire for 3.1.1
        Assert.Empty(await client.ExpectClosedAsync());
    }

    [Fact]
    public async Task V3_keep_alive_above_MaxKeepAlive_is_refused_and_closed()
    {
        await using var harness = new BrokerHarness(o => o.MaxKeepAlive = 60);
        Assert.Equal(MqttReasonCode.Success, (await harness.Open().ConnectAsync("ok", keepAlive: 60)).ReasonCode);

        var client = harness.Open();
        var connAck = await client.ConnectAsync("too-long", keepAlive: 61);
        Assert.Equal(MqttReasonCode.ClientIdentifierNotValid, connAck.ReasonCode); // 0x02, as Mosquitto answers
        Assert.False(connAck.SessionPresent);
        Assert.Empty(await client.ExpectClosedAsync());
        Assert.Null(harness.Broker.GetClient("too-long"));
    }

    [Fact]
    public async Task Mqtt_3_1_connect_with_MQIsdp_is_accepted_and_works()
    {
        await using var harness = new BrokerHarness();
        var client = harness.Open();
        // CONNECT, "MQIsdp", level 3, clean session, keep alive 0, client id "old".
        await client.SendBytesAsync(0x10, 0x11, 0x00, 0x06, (byte)'M', (byte)'Q', (byte)'I', (byte)'s', (byte)'d', (byte)'p', 0x03, 0x02, 0x00, 0x00, 0x00, 0x03, (byte)'o', (byte)'l', (byte)'d');
        client.Version = MqttProtocolVersion.V310;
        Assert.Equal(new byte[] { 0x20, 0x02, 0x00, 0x00 }, await client.ReceiveBytesAsync(4));
        Assert.Equal(MqttProtocolVersion.V310, harness.Broker.GetClient("old")!.ProtocolVersion);

        Assert.Equal(MqttReasonCode.GrantedQoS1, Assert.Single((await client.SubscribeAsync("t", MqttQualityOfService.AtLeastOnce)).ReasonCodes));
        await client.PublishAsync("t", "hello", MqttQualityOfService.AtLeastOnce, packetId: 7);
        Assert.Equal(7, (await client.ReceiveAsync<PubAckPacket>()).PacketId);
        var publish = await client.ReceivePublishAsync();
        Assert.Equal("hello", RawClient.Text(publish));
    }

    [Fact]
    public async Task User_name_and_password_reach_the_connect_hook()
    {
        string? user = null;
        string? password = null;
        var hook = new TestHook
        {
            Connect = c =>
            {
                user = c.UserName;
                password = c.Password is { } p ? System.Text.Encoding.UTF8.GetString(p.Span) : null;
                c.ReasonCode = password == "s3cret" ? MqttReasonCode.Success : MqttReasonCode.BadUserNameOrPassword;
            },
        };
        await using var harness = new BrokerHarness(null, hook);
        Assert.Equal(MqttReasonCode.BadUserNameOrPassword, (await harness.Open().ConnectAsync("c1", userName: "bob", password: "wrong")).ReasonCode);
        Assert.Equal("bob", user);
        Assert.Equal(MqttReasonCode.Success, (await harness.Open().ConnectAsync("c1", userName: "bob", password: "s3cret")).ReasonCode);
        Assert.Equal("s3cret", password);
    }

    [Fact]
    public async Task Exception_in_the_connect_hook_refuses_the_client_logs_and_leaves_the_broker_working()
    {
        var hook = new TestHook { Connect = c => _ = c.ClientId == "bad" ? throw new InvalidOperationException("boom") : 0 };
        await using var harness = new BrokerHarness(null, hook);
        var bad = harness.Open();
        var connAck = await bad.ConnectAsync("bad");
        Assert.Equal(MqttReasonCode.NotAuthorized, connAck.ReasonCode); // return code 5
        Assert.Empty(await bad.ExpectClosedAsync());
        Assert.Contains(harness.Logs.Entries, e => e.EventId == 100 && e.Exception is InvalidOperationException);

        Assert.Equal(MqttReasonCode.Success, (await harness.Open().ConnectAsync("good")).ReasonCode);
    }

    [Fact]
    public async Task Cancelling_the_token_a_connection_is_served_with_closes_it()
    {
        var hook = new TestHook();
        await using var harness = new BrokerHarness(null, hook);
        var client = await harness.ConnectAsync("c");
        Assert.Equal(1, harness.Broker.ConnectionCount);

        await client.CancelServingAsync();

        Assert.Empty(await client.ExpectClosedAsync());
        Assert.Contains(hook.Closed, c => c is ("c", MqttCloseReason.ConnectionLost));
        Assert.Equal(0, harness.Broker.ConnectionCount);
    }
}
