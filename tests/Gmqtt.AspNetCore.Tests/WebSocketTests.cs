using System.Net;
using System.Net.WebSockets;
using System.Security.Claims;
using System.Text.Json;
using Gmqtt.AspNetCore.Tests.Infrastructure;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gmqtt.AspNetCore.Tests;

/// <summary>MQTT over WebSocket at /mqtt: subprotocols, framing and endpoint conventions.</summary>
public class WebSocketTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("mqtt")]
    [InlineData("mqttv3.1")]
    public async Task Offered_MQTT_subprotocol_is_accepted_and_echoed(string subProtocol)
    {
        using var socket = await RawWebSocket.ConnectAsync(server.Endpoints.HttpPort, "chat", subProtocol);

        // The server selects the MQTT subprotocol the client offered [MQTT-6.0.0-4].
        Assert.Equal(HttpStatusCode.SwitchingProtocols, socket.Socket.HttpStatusCode);
        Assert.Equal(subProtocol, socket.Socket.SubProtocol);
        await socket.SendAsync(RawPackets.Connect($"subprotocol-{subProtocol}"));
        Assert.Equal(MqttReasonCode.Success, (await socket.ReceiveAsync<ConnAckPacket>()).ReasonCode);
    }

    [Fact]
    public async Task WebSocket_request_offering_no_MQTT_subprotocol_is_refused_with_400()
    {
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("chat");
        socket.Options.CollectHttpResponseDetails = true;

        // The client MUST offer "mqtt" [MQTT-6.0.0-3]; the broker does not upgrade a request that does not.
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Endpoints.HttpPort}/mqtt"), CancellationToken.None));
        Assert.Equal(HttpStatusCode.BadRequest, socket.HttpStatusCode);
    }

    [Fact]
    public async Task WebSocket_request_offering_no_subprotocol_at_all_is_refused_with_400()
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Endpoints.HttpPort}/mqtt"), CancellationToken.None));
        Assert.Equal(HttpStatusCode.BadRequest, socket.HttpStatusCode);
    }

    [Fact]
    public async Task Plain_HTTP_GET_to_the_MQTT_path_gets_400()
    {
        using var http = new HttpClient { Timeout = RawPackets.Timeout };
        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{server.Endpoints.HttpPort}/mqtt"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task One_packet_split_over_several_binary_messages_is_read_as_one()
    {
        using var socket = await RawWebSocket.ConnectAsync(server.Endpoints.HttpPort, "mqtt");
        var connect = RawPackets.Connect("ws-split-messages");

        // A packet may span WebSocket frames [MQTT-6.0.0-2]: send CONNECT one byte per binary message.
        foreach (var b in connect)
        {
            await socket.SendAsync([b]);
        }

        Assert.Equal(MqttReasonCode.Success, (await socket.ReceiveAsync<ConnAckPacket>()).ReasonCode);
        await AssertServesSubscribeAsync(socket, "ws/split/messages");
    }

    [Fact]
    public async Task One_packet_split_over_continuation_frames_is_read_as_one()
    {
        using var socket = await RawWebSocket.ConnectAsync(server.Endpoints.HttpPort, "mqtt");
        var connect = RawPackets.Connect("ws-split-frames");

        // The same packet as one WebSocket message in three frames (first, continuation, final).
        await socket.SendAsync(connect[..3], endOfMessage: false);
        await socket.SendAsync(connect[3..7], endOfMessage: false);
        await socket.SendAsync(connect[7..], endOfMessage: true);

        Assert.Equal(MqttReasonCode.Success, (await socket.ReceiveAsync<ConnAckPacket>()).ReasonCode);
        await AssertServesSubscribeAsync(socket, "ws/split/frames");
    }

    [Fact]
    public async Task Several_packets_in_one_binary_frame_are_all_handled()
    {
        using var socket = await RawWebSocket.ConnectAsync(server.Endpoints.HttpPort, "mqtt");
        byte[] frame =
        [
            .. RawPackets.Connect("ws-batched"),
            .. RawPackets.Encode(new SubscribePacket { PacketId = 7, Filters = [new MqttTopicFilter { Filter = "ws/batched", MaximumQoS = MqttQualityOfService.AtLeastOnce }] }),
            .. RawPackets.Encode(new PublishPacket { Topic = "ws/batched", Payload = "one frame"u8.ToArray(), QoS = MqttQualityOfService.AtLeastOnce, PacketId = 8 }),
            .. RawPackets.Encode(PingReqPacket.Instance),
        ];
        await socket.SendAsync(frame);

        Assert.Equal(MqttReasonCode.Success, (await socket.ReceiveAsync<ConnAckPacket>()).ReasonCode);
        Assert.Equal(7, (await socket.ReceiveAsync<SubAckPacket>()).PacketId);
        var rest = new List<MqttPacket>();
        for (var i = 0; i < 3; i++)
        {
            rest.Add(await socket.ReceiveAsync() ?? throw new Xunit.Sdk.XunitException("The WebSocket closed."));
        }

        // PUBACK for our PUBLISH, the PUBLISH back to our own subscription, and PINGRESP, in whichever order.
        Assert.Equal(8, Assert.Single(rest.OfType<PubAckPacket>()).PacketId);
        Assert.Equal("one frame", System.Text.Encoding.UTF8.GetString(Assert.Single(rest.OfType<PublishPacket>()).Payload.Span));
        Assert.Single(rest.OfType<PingRespPacket>());
    }

    [Fact]
    public async Task Text_frame_closes_the_connection()
    {
        using var socket = await RawWebSocket.ConnectAsync(server.Endpoints.HttpPort, "mqtt");
        await socket.SendAsync(RawPackets.Connect("ws-text-frame"));
        Assert.Equal(MqttReasonCode.Success, (await socket.ReceiveAsync<ConnAckPacket>()).ReasonCode);

        // MQTT travels in binary frames; anything else closes the connection [MQTT-6.0.0-1].
        // (Valid UTF-8, so it is the broker that refuses it, not the WebSocket layer's UTF-8 check.)
        await socket.SendAsync("{\"type\":\"ping\"}"u8.ToArray(), WebSocketMessageType.Text);

        Assert.Null(await socket.ReceiveAsync());
        Assert.Equal(WebSocketCloseStatus.InvalidMessageType, socket.CloseStatus);
    }

    [Fact]
    public async Task MapMqtt_with_RequireAuthorization_refuses_an_unauthenticated_upgrade_with_401()
    {
        await using var app = new TestApp();
        var http = app.Listen(_ => { });
        app.Builder.Services.AddGmqtt();
        app.Builder.Services.AddAuthentication(BearerTokenDefaults.AuthenticationScheme).AddBearerToken();
        app.Builder.Services.AddAuthorization();
        await app.StartAsync(web =>
        {
            web.UseWebSockets();
            web.UseAuthentication();
            web.UseAuthorization();
            web.MapMqtt("/mqtt").RequireAuthorization();
            web.MapPost("/login", () => Results.SignIn(
                new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "alice")], BearerTokenDefaults.AuthenticationScheme)),
                authenticationScheme: BearerTokenDefaults.AuthenticationScheme));
        });
        var port = app.Port(http);

        using (var anonymous = new ClientWebSocket())
        {
            anonymous.Options.AddSubProtocol("mqtt");
            anonymous.Options.CollectHttpResponseDetails = true;
            await Assert.ThrowsAsync<WebSocketException>(() => anonymous.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/mqtt"), CancellationToken.None));
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.HttpStatusCode);
        }

        // The same endpoint serves MQTT once the request is authenticated: the convention, not a broken route, refused it.
        using var client = new HttpClient { Timeout = RawPackets.Timeout };
        using var login = await client.PostAsync(new Uri($"http://127.0.0.1:{port}/login"), null);
        login.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await login.Content.ReadAsStringAsync());
        var token = json.RootElement.GetProperty("accessToken").GetString();

        using var authenticated = new ClientWebSocket();
        authenticated.Options.AddSubProtocol("mqtt");
        authenticated.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        await authenticated.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/mqtt"), new CancellationTokenSource(RawPackets.Timeout).Token);
        using var raw = new RawWebSocket(authenticated);
        await raw.SendAsync(RawPackets.Connect("ws-authorized"));
        Assert.Equal(MqttReasonCode.Success, (await raw.ReceiveAsync<ConnAckPacket>()).ReasonCode);
    }

    private static async Task AssertServesSubscribeAsync(RawWebSocket socket, string topic)
    {
        await socket.SendAsync(RawPackets.Encode(new SubscribePacket { PacketId = 1, Filters = [new MqttTopicFilter { Filter = topic }] }));
        Assert.Equal([MqttReasonCode.Success], (await socket.ReceiveAsync<SubAckPacket>()).ReasonCodes);
    }
}
