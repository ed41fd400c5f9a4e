using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Tests;

/// <summary>MQTT 5.0 enhanced authentication (4.12), re-authentication (4.12.1) and server redirection (4.11), byte for byte.</summary>
public class EnhancedAuthTests
{
    private const string Challenge = "TEST-CHALLENGE";

    [Fact]
    public async Task Challenge_response_succeeds_in_two_steps_and_connack_echoes_the_method() // [MQTT-4.12.0-2] [MQTT-4.12.0-5]
    {
        var hook = new ChallengeHook();
        await using var harness = new BrokerHarness(null, hook);
        var client = harness.Open();

        var challenge = await BeginAsync(client, "c1", Challenge, "hello");
        Assert.Equal(MqttReasonCode.ContinueAuthentication, challenge.ReasonCode);
        Assert.Equal(Challenge, challenge.Properties?.AuthenticationMethod);
        var nonce = challenge.Properties!.AuthenticationData!.Value;
        Assert.Equal(ChallengeHook.NonceLength, nonce.Length);

        await client.SendAsync(Auth(MqttReasonCode.ContinueAuthentication, Challenge, ChallengeHook.Answer(nonce.Span)));
        var connAck = await client.ReceiveAsync<ConnAckPacket>();

        Assert.Equal(MqttReasonCode.Success, connAck.ReasonCode);
        Assert.Equal(Challenge, connAck.Properties?.AuthenticationMethod);
        Assert.Equal("welcome", Encoding.UTF8.GetString(connAck.Properties!.AuthenticationData!.Value.Span));
        Assert.Equal([MqttEnhancedAuthStep.Connect, MqttEnhancedAuthStep.Continue], hook.Steps);
        Assert.Equal("hello", hook.FirstData);
        Assert.True(harness.Broker.GetClient("c1")?.Connected);
        await client.PingAsync(); // The connection works as any other.
    }

    [Fact]
    public async Task Wrong_answer_is_refused_with_the_hooks_reason_code_and_closed() // [MQTT-4.12.0-4]
    {
        await using var harness = new BrokerHarness(null, new ChallengeHook());
        var client = harness.Open();
        await BeginAsync(client, "c1", Challenge);

        await client.SendAsync(Auth(MqttReasonCode.ContinueAuthentication, Challenge, [1, 2, 3]));

        var connAck = Assert.IsType<ConnAckPacket>(Assert.Single(await client.ExpectClosedAsync()));
        Assert.Equal(MqttReasonCode.NotAuthorized, connAck.ReasonCode);
        Assert.Equal("wrong answer", connAck.Properties?.ReasonString);
        Assert.Null(connAck.Properties?.AuthenticationMethod); // Only a successful CONNACK must echo it.
        Assert.Null(harness.Broker.GetClient("c1"));
    }

    [Fact]
    public async Task One_step_method_succeeds_with_final_data_and_connect_hooks_still_decide()
    {
        MqttConnectContext? seen = null;
        var connectHook = new TestHook { Connect = c => seen = c };
        await using var harness = new BrokerHarness(null, new ChallengeHook(), connectHook);
        var client = harness.Open();

        var connAck = Assert.IsType<ConnAckPacket>(await BeginRawAsync(client, "c1", "TEST-TOKEN", "good"));

        Assert.Equal(MqttReasonCode.Success, connAck.ReasonCode);
        Assert.Equal("TEST-TOKEN", connAck.Properties?.AuthenticationMethod);
        Assert.Equal("token-ok", Encoding.UTF8.GetString(connAck.Properties!.AuthenticationData!.Value.Span));
        // The CONNECT hooks run once the exchange has succeeded.
        Assert.Equal("TEST-TOKEN", seen?.Packet.Properties?.AuthenticationMethod);
    }

    [Fact]
    public async Task Connect_hook_can_refuse_after_a_successful_exchange()
    {
        await using var harness = new BrokerHarness(null, new ChallengeHook(), new TestHook { Connect = c => c.ReasonCode = MqttReasonCode.Banned });
        var client = harness.Open();
        await BeginRawAsync(client, "c1", "TEST-TOKEN", "good", expectReply: false);

        var connAck = Assert.IsType<ConnAckPacket>(Assert.Single(await client.ExpectClosedAsync()));
        Assert.Equal(MqttReasonCode.Banned, connAck.ReasonCode);
    }

    [Fact]
    public async Task Unknown_method_is_refused_with_0x8C_and_closed() // [MQTT-4.12.0-1]
    {
        var hook = new ChallengeHook();
        await using var harness = new BrokerHarness(null, hook);
        var client = harness.Open();
        await BeginRawAsync(client, "c1", "SCRAM-SHA-512", expectReply: false);

        var connAck = Assert.IsType<ConnAckPacket>(Assert.Single(await client.ExpectClosedAsync()));
        Assert.Equal(MqttReasonCode.BadAuthenticationMethod, connAck.ReasonCode);
        Assert.Equal([MqttEnhancedAuthStep.Connect], hook.Steps); // It was asked, and did not answer.
    }

    [Fact]
    public async Task Authentication_method_without_any_hook_is_refused_with_0x8C() // [MQTT-4.12.0-1]
    {
        await using var harness = new BrokerHarness();
        var client = harness.Open();
        await BeginRawAsync(client, "c1", Challenge, expectReply: false);

        var connAck = Assert.IsType<ConnAckPacket>(Assert.Single(await client.ExpectClosedAsync()));
        Assert.Equal(MqttReasonCode.BadAuthenticationMethod, connAck.ReasonCode);
    }

    [Fact]
    public async Task Hook_that_throws_refuses_with_not_authorized()
    {
        await using var harness = new BrokerHarness(null, new ChallengeHook { Throw = true });
        var client = harness.Open();
        await BeginRawAsync(client, "c1", Challenge, expectReply: false);

        var connAck = Assert.IsType<ConnAckPacket>(Assert.Single(await client.ExpectClosedAsync()));
        Assert.Equal(MqttReasonCode.NotAuthorized, connAck.ReasonCode);
    }

    [Fact]
    public async Task Authentication_data_without_a_method_is_a_protocol_error()
    {
        await using var harness = new BrokerHarness(null, new ChallengeHook());
        var client = harness.Open();
        client.Version = MqttProtocolVersion.V500;
        await client.SendAsync(new ConnectPacket
        {
            ProtocolVersion = MqttProtocolVersion.V500,
            ClientId = "c1",
            CleanSession = true,
            Properties = new MqttProperties { AuthenticationData = new byte[] { 1 } },
        });

        var connAck = Assert.IsType<ConnAckPacket>(Assert.Single(await client.ExpectClosedAsync()));
        Assert.Equal(MqttReasonCode.ProtocolError, connAck.ReasonCode);
    }

    [Fact]
    public async Task Packet_other_than_AUTH_during_the_exchange_closes_the_connection() // [MQTT-3.1.2-30]
    {
        var hook = new ChallengeHook();
        await using var harness = new BrokerHarness(null, hook);
        var client = harness.Open();
        await BeginAsync(client, "c1", Challenge);

        await client.SendAsync(new SubscribePacket { PacketId = 1, Filters = [new MqttTopicFilter { Filter = "a/b" }] });

        Assert.Empty(await client.ExpectClosedAsync()); // No SUBACK, no CONNACK.
        Assert.True(harness.Logged(4)); // A protocol violation.
        Assert.Null(harness.Broker.GetClient("c1"));
    }

    [Fact]
    public async Task AUTH_with_another_method_during_the_exchange_closes_the_connection() // [MQTT-4.12.0-5]
    {
        await using var harness = new BrokerHarness(null, new ChallengeHook());
        var client = harness.Open();
        var challenge = await BeginAsync(client, "c1", Challenge);

        // The right answer, under another method.
        await client.SendAsync(Auth(MqttReasonCode.ContinueAuthentication, "TEST-TOKEN", ChallengeHook.Answer(challenge.Properties!.AuthenticationData!.Value.Span)));

        Assert.Empty(await client.ExpectClosedAsync());
    }

    [Fact]
    public async Task Reauthenticate_code_during_the_initial_exchange_closes_the_connection() // [MQTT-4.12.0-3]
    {
        await using var harness = new BrokerHarness(null, new ChallengeHook());
        var client = harness.Open();
        var challenge = await BeginAsync(client, "c1", Challenge);

        await client.SendAsync(Auth(MqttReasonCode.ReAuthenticate, Challenge, ChallengeHook.Answer(challenge.Properties!.AuthenticationData!.Value.Span)));

        Assert.Empty(await client.ExpectClosedAsync());
    }

    [Fact]
    public async Task Disconnect_during_the_exchange_closes_quietly()
    {
        await using var harness = new BrokerHarness(null, new ChallengeHook());
        var client = harness.Open();
        await BeginAsync(client, "c1", Challenge);

        await client.SendAsync(new DisconnectPacket());

        Assert.Empty(await client.ExpectClosedAsync());
        Assert.False(harness.Logged(4)); // Not logged as a protocol violation.
    }

    [Fact]
    public async Task Connect_timeout_bounds_the_whole_exchange_not_each_step()
    {
        await using var harness = new BrokerHarness(o => o.ConnectTimeout = TimeSpan.FromSeconds(5), new ChallengeHook());
        var client = harness.Open();
        await BeginAsync(client, "c1", "TEST-ENDLESS");

        harness.Time.Advance(TimeSpan.FromSeconds(3));
        await client.SendAsync(Auth(MqttReasonCode.ContinueAuthentication, "TEST-ENDLESS", [1]));
        Assert.Equal(MqttReasonCode.ContinueAuthentication, (await client.ReceiveAsync<AuthPacket>()).ReasonCode);
        Assert.False(client.Run.IsCompleted);

        // 3 s since the last AUTH, 6 s since CONNECT: the exchange has run out of time.
        harness.Time.Advance(TimeSpan.FromSeconds(3));
        Assert.Empty(await client.ExpectClosedAsync());
        Assert.True(harness.Logged(5));
    }

    [Fact]
    public async Task Reauthentication_succeeds_with_AUTH_0x00_while_subscriptions_keep_working() // [MQTT-4.12.1-1]
    {
        var hook = new ChallengeHook();
        await using var harness = new BrokerHarness(null, hook);
        var client = await ConnectWithChallengeAsync(harness, "c1");
        Assert.Equal(MqttReasonCodes.Granted(MqttQualityOfService.AtLeastOnce), Assert.Single((await client.SubscribeAsync("t/#", MqttQualityOfService.AtLeastOnce)).ReasonCodes));

        await client.SendAsync(Auth(MqttReasonCode.ReAuthenticate, Challenge, Encoding.UTF8.GetBytes("again")));
        var challenge = await client.ReceiveAsync<AuthPacket>();
        Assert.Equal(MqttReasonCode.ContinueAuthentication, challenge.ReasonCode);
        Assert.Equal(Challenge, challenge.Properties?.AuthenticationMethod);

        // Other packets flow while the re-authentication is under way.
        await client.PublishAckedAsync("t/1", "during", 1);
        var during = await client.ReceivePublishAsync();
        Assert.Equal("during", RawClient.Text(during));
        await client.AckAsync(during);

        await client.SendAsync(Auth(MqttReasonCode.ContinueAuthentication, Challenge, ChallengeHook.Answer(challenge.Properties!.AuthenticationData!.Value.Span)));
        var done = await client.ReceiveAsync<AuthPacket>();
        Assert.Equal(MqttReasonCode.Success, done.ReasonCode);
        Assert.Equal(Challenge, done.Properties?.AuthenticationMethod);
        Assert.Equal("welcome", Encoding.UTF8.GetString(done.Properties!.AuthenticationData!.Value.Span));

        await client.PublishAckedAsync("t/2", "after", 2);
        Assert.Equal("after", RawClient.Text(await client.ReceivePublishAsync()));
        Assert.Equal(
            [MqttEnhancedAuthStep.Connect, MqttEnhancedAuthStep.Continue, MqttEnhancedAuthStep.ReAuthenticate, MqttEnhancedAuthStep.Continue],
            hook.Steps);
        Assert.Equal("c1", Assert.Single(hook.Reauthenticated));
    }

    [Fact]
    public async Task Client_can_reauthenticate_repeatedly_and_the_state_bag_lasts_the_connection()
    {
        var hook = new ChallengeHook();
        await using var harness = new BrokerHarness(null, hook);
        var client = await ConnectWithChallengeAsync(harness, "c1");

        for (var i = 0; i < 2; i++)
        {
            await client.SendAsync(Auth(MqttReasonCode.ReAuthenticate, Challenge, null));
            var challenge = await client.ReceiveAsync<AuthPacket>();
            await client.SendAsync(Auth(MqttReasonCode.ContinueAuthentication, Challenge, ChallengeHook.Answer(challenge.Properties!.AuthenticationData!.Value.Span)));
            Assert.Equal(MqttReasonCode.Success, (await client.ReceiveAsync<AuthPacket>()).ReasonCode);
        }

        // AUTH Success goes out before the OnReauthenticatedAsync notification runs; the read loop answers this
        // PINGREQ only after it.
        await client.PingAsync();
        Assert.Equal(3, hook.LastSuccessCount); // The hook counted every success in the connection's state bag.
        Assert.Equal(2, hook.Reauthenticated.Count);
    }

    [Fact]
    public async Task Failed_reauthentication_gets_disconnect_with_the_reason_and_close() // [MQTT-4.12.1-2]
    {
        var hook = new ChallengeHook();
        await using var harness = new BrokerHarness(null, hook);
        var client = await ConnectWithChallengeAsync(harness, "c1");

        await client.SendAsync(Auth(MqttReasonCode.ReAuthenticate, Challenge, null));
        await client.ReceiveAsync<AuthPacket>();
        await client.SendAsync(Auth(MqttReasonCode.ContinueAuthentication, Challenge, [9, 9, 9]));

        var disconnect = Assert.IsType<DisconnectPacket>(Assert.Single(await client.ExpectClosedAsync()));
        Assert.Equal(MqttReasonCode.NotAuthorized, disconnect.ReasonCode);
        Assert.Equal("wrong answer", disconnect.Properties?.ReasonString);
        Assert.Equal(MqttCloseReason.AuthenticationFailed, Assert.Single(hook.Closed));
        Assert.Empty(hook.Reauthenticated);
    }

    [Fact]
    public async Task Reauthentication_with_another_method_gets_disconnect_0x82() // [MQTT-4.12.1-1]
    {
        await using var harness = new BrokerHarness(null, new ChallengeHook());
        var client = await ConnectWithChallengeAsync(harness, "c1");

        await client.SendAsync(Auth(MqttReasonCode.ReAuthenticate, "TEST-TOKEN", Encoding.UTF8.GetBytes("good")));

        var disconnect = Assert.IsType<DisconnectPacket>(Assert.Single(await client.ExpectClosedAsync()));
        Assert.Equal(MqttReasonCode.ProtocolError, disconnect.ReasonCode);
    }

    [Fact]
    public async Task Continue_without_a_reauthentication_under_way_gets_disconnect_0x82()
    {
        await using var harness = new BrokerHarness(null, new ChallengeHook());
        var client = await ConnectWithChallengeAsync(harness, "c1");

        await client.SendAsync(Auth(MqttReasonCode.ContinueAuthentication, Challenge, [1]));

        var disconnect = Assert.IsType<DisconnectPacket>(Assert.Single(await client.ExpectClosedAsync()));
        Assert.Equal(MqttReasonCode.ProtocolError, disconnect.ReasonCode);
    }

    [Fact]
    public async Task AUTH_from_a_client_that_did_not_use_enhanced_auth_gets_disconnect_0x82() // [MQTT-4.12.0-7]
    {
        var hook = new ChallengeHook();
        await using var harness = new BrokerHarness(null, hook);
        var client = await harness.ConnectAsync("c1", version: MqttProtocolVersion.V500);

        await client.SendAsync(Auth(MqttReasonCode.ReAuthenticate, Challenge, null));

        var disconnect = Assert.IsType<DisconnectPacket>(Assert.Single(await client.ExpectClosedAsync()));
        Assert.Equal(MqttReasonCode.ProtocolError, disconnect.ReasonCode);
        Assert.Empty(hook.Steps);
    }

    [Fact]
    public async Task Connect_without_a_method_gets_no_AUTH_and_no_method_in_connack() // [MQTT-4.12.0-6]
    {
        var hook = new ChallengeHook();
        await using var harness = new BrokerHarness(null, hook);
        var client = harness.Open();

        var connAck = await client.ConnectAsync("c1", version: MqttProtocolVersion.V500);

        Assert.Equal(MqttReasonCode.Success, connAck.ReasonCode);
        Assert.Null(connAck.Properties?.AuthenticationMethod);
        Assert.Null(connAck.Properties?.AuthenticationData);
        Assert.Empty(hook.Steps);
    }

    [Fact]
    public async Task MQTT_311_clients_are_unaffected_and_AUTH_closes_them()
    {
        var hook = new ChallengeHook();
        await using var harness = new BrokerHarness(null, hook);
        var client = await harness.ConnectAsync("c1");
        await client.PingAsync();
        Assert.Empty(hook.Steps);

        await client.SendBytesAsync(0xF0, 0x00); // AUTH does not exist in 3.1.1.
        Assert.Empty(await client.ExpectClosedAsync());
    }

    [Theory]
    [InlineData(MqttReasonCode.UseAnotherServer)]
    [InlineData(MqttReasonCode.ServerMoved)]
    public async Task Connect_hook_redirects_with_a_server_reference_in_connack(MqttReasonCode code) // Section 4.11
    {
        var hook = new TestHook
        {
            Connect = c =>
            {
                c.ReasonCode = code;
                c.ServerReference = "mqtt2.example.com:1883";
            },
        };
        await using var harness = new BrokerHarness(null, hook);
        var client = harness.Open();

        var connAck = await client.ConnectAsync("c1", version: MqttProtocolVersion.V500);

        Assert.Equal(code, connAck.ReasonCode);
        Assert.Equal("mqtt2.example.com:1883", connAck.Properties?.ServerReference);
        Assert.Empty(await client.ExpectClosedAsync());
    }

    [Fact]
    public async Task Redirect_of_an_MQTT_311_client_sends_only_the_return_code()
    {
        await using var harness = new BrokerHarness(null, new TestHook { Connect = c => (c.ReasonCode, c.ServerReference) = (MqttReasonCode.UseAnotherServer, "elsewhere") });
        var client = harness.Open();
        await client.SendAsync(new ConnectPacket { ClientId = "c1", CleanSession = true });

        // CONNACK of a 3.1.1 client: 4 bytes, a return code and no properties.
        var bytes = await client.ReceiveBytesAsync(4);
        Assert.Equal(0x20, bytes[0]);
        Assert.Equal(2, bytes[1]);
        Assert.NotEqual(0, bytes[3]); // Refused.
        Assert.Empty(await client.ExpectClosedAsync());
    }

    [Fact]
    public async Task Server_api_disconnects_with_a_reason_and_a_server_reference() // Section 4.11
    {
        var hook = new ChallengeHook();
        await using var harness = new BrokerHarness(null, hook);
        var client = await harness.ConnectAsync("c1", version: MqttProtocolVersion.V500);

        Assert.True(await harness.Broker.DisconnectClientAsync("c1", endSession: false, MqttReasonCode.ServerMoved, "mqtt2.example.com"));

        var disconnect = Assert.IsType<DisconnectPacket>(Assert.Single(await client.ExpectClosedAsync()));
        Assert.Equal(MqttReasonCode.ServerMoved, disconnect.ReasonCode);
        Assert.Equal("mqtt2.example.com", disconnect.Properties?.ServerReference);
        Assert.Equal(MqttCloseReason.AdministrativeAction, Assert.Single(hook.Closed));
    }

    [Fact]
    public async Task Server_api_refuses_a_reason_code_a_server_may_not_send_in_disconnect()
    {
        await using var harness = new BrokerHarness();
        await harness.ConnectAsync("c1", version: MqttProtocolVersion.V500);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => harness.Broker.DisconnectClientAsync("c1", false, MqttReasonCode.BadAuthenticationMethod));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => harness.Broker.DisconnectClientAsync("c1", false, MqttReasonCode.DisconnectWithWillMessage));
        Assert.True(harness.Broker.GetClient("c1")?.Connected);
    }

    private static AuthPacket Auth(MqttReasonCode code, string method, byte[]? data) => new()
    {
        ReasonCode = code,
        Properties = new MqttProperties { AuthenticationMethod = method, AuthenticationData = data is null ? null : (ReadOnlyMemory<byte>?)data },
    };

    /// <summary>Sends an MQTT 5.0 CONNECT with an Authentication Method; returns the first answer unless told not to wait.</summary>
    private static async Task<MqttPacket?> BeginRawAsync(RawClient client, string clientId, string method, string? data = null, bool expectReply = true)
    {
        client.Version = MqttProtocolVersion.V500;
        await client.SendAsync(new ConnectPacket
        {
            ProtocolVersion = MqttProtocolVersion.V500,
            ClientId = clientId,
            CleanSession = true,
            Properties = new MqttProperties
            {
                AuthenticationMethod = method,
                AuthenticationData = data is null ? null : (ReadOnlyMemory<byte>?)Encoding.UTF8.GetBytes(data),
            },
        });
        return expectReply ? await client.ReceiveAsync() : null;
    }

    /// <summary>Sends the CONNECT and expects the server's AUTH 0x18.</summary>
    private static async Task<AuthPacket> BeginAsync(RawClient client, string clientId, string method, string? data = null) =>
        Assert.IsType<AuthPacket>(await BeginRawAsync(client, clientId, method, data));

    private static async Task<RawClient> ConnectWithChallengeAsync(BrokerHarness harness, string clientId)
    {
        var client = harness.Open();
        var challenge = await BeginAsync(client, clientId, Challenge);
        await client.SendAsync(Auth(MqttReasonCode.ContinueAuthentication, Challenge, ChallengeHook.Answer(challenge.Properties!.AuthenticationData!.Value.Span)));
        Assert.Equal(MqttReasonCode.Success, (await client.ReceiveAsync<ConnAckPacket>()).ReasonCode);
        return client;
    }

    /// <summary>
    /// "TEST-CHALLENGE": the server sends a random nonce, the client answers each byte XOR 0x5A, reversed.
    /// "TEST-TOKEN": one step, data "good". "TEST-ENDLESS": always asks for more.
    /// </summary>
    private sealed class ChallengeHook : IMqttHook
    {
        public const int NonceLength = 16;

        public bool Throw { get; init; }

        public ConcurrentQueue<MqttEnhancedAuthStep> Steps { get; } = new();

        public ConcurrentQueue<string> Reauthenticated { get; } = new();

        public ConcurrentQueue<MqttCloseReason> Closed { get; } = new();

        public string? FirstData { get; private set; }

        public int LastSuccessCount { get; private set; }

        public static byte[] Answer(ReadOnlySpan<byte> nonce)
        {
            var answer = new byte[nonce.Length];
            for (var i = 0; i < nonce.Length; i++)
            {
                answer[nonce.Length - 1 - i] = (byte)(nonce[i] ^ 0x5A);
            }

            return answer;
        }

        public ValueTask OnEnhancedAuthAsync(MqttEnhancedAuthContext context)
        {
            Steps.Enqueue(context.Step);
            if (Throw)
            {
                throw new InvalidOperationException("hook failure");
            }

            switch (context.AuthenticationMethod)
            {
                case Challenge when context.Step is MqttEnhancedAuthStep.Connect or MqttEnhancedAuthStep.ReAuthenticate:
                    if (context.Step == MqttEnhancedAuthStep.Connect)
                    {
                        FirstData = context.AuthenticationData is { } first ? Encoding.UTF8.GetString(first.Span) : null;
                    }

                    var nonce = RandomNumberGenerator.GetBytes(NonceLength);
                    context.State["nonce"] = nonce;
                    context.Continue(nonce);
                    break;
                case Challenge:
                    var expected = Answer((byte[])context.State["nonce"]!);
                    if (context.AuthenticationData is { } data && data.Span.SequenceEqual(expected))
                    {
                        var successes = (int)(context.State.TryGetValue("successes", out var n) ? n! : 0) + 1;
                        context.State["successes"] = LastSuccessCount = successes;
                        context.Succeed(Encoding.UTF8.GetBytes("welcome"));
                    }
                    else
                    {
                        context.Fail(MqttReasonCode.NotAuthorized, "wrong answer");
                    }

                    break;
                case "TEST-TOKEN":
                    if (context.AuthenticationData is { } token && token.Span.SequenceEqual("good"u8))
                    {
                        context.Succeed(Encoding.UTF8.GetBytes("token-ok"));
                    }
                    else
                    {
                        context.Fail(MqttReasonCode.BadUserNameOrPassword);
                    }

                    break;
                case "TEST-ENDLESS":
                    context.Continue(new byte[] { 0 });
                    break;
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask OnReauthenticatedAsync(MqttEnhancedAuthContext context)
        {
            Reauthenticated.Enqueue(context.ClientId);
            return ValueTask.CompletedTask;
        }

        public ValueTask OnClosedAsync(MqttClientInfo client, MqttCloseReason reason)
        {
            Closed.Enqueue(reason);
            return ValueTask.CompletedTask;
        }
    }
}
