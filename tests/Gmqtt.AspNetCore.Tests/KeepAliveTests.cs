using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Gmqtt.AspNetCore.Tests.Infrastructure;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Gmqtt.AspNetCore.Tests;

/// <summary>Keep alive over a real socket: the broker's timer, not a test's clock, closes an idle connection.</summary>
public class KeepAliveTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task Silent_client_is_disconnected_after_one_and_a_half_keep_alive_periods(MqttProtocolVersion version)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Endpoints.MqttPort));
        await socket.SendAsync(RawPackets.Connect($"keepalive-{version}", keepAlive: 1, version));
        var connected = Stopwatch.StartNew();

        var packets = new PacketBuffer(version);
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var received = new List<MqttPacket>();
        while (true)
        {
            var count = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (count == 0)
            {
                break; // The broker closed the connection.
            }

            packets.Append(buffer.AsSpan(0, count));
            while (packets.TryRead(out var packet))
            {
                received.Add(packet!);
            }
        }

        // Nothing within 1.5 x the keep alive (1 s): the server closes the connection [MQTT-3.1.2-24] (5.0: [MQTT-3.1.2-22]),
        // not before (the check is not a fixed short timeout). It sent the CONNACK and, to an MQTT 5.0 client,
        // DISCONNECT 0x8D Keep Alive timeout (section 4.13).
        var elapsed = connected.Elapsed;
        var connack = Assert.IsType<ConnAckPacket>(received[0]);
        Assert.Equal(MqttReasonCode.Success, connack.ReasonCode);
        if (version == MqttProtocolVersion.V500)
        {
            Assert.Equal(2, received.Count);
            Assert.Equal(MqttReasonCode.KeepAliveTimeout, Assert.IsType<DisconnectPacket>(received[1]).ReasonCode);
        }
        else
        {
            Assert.Single(received);
        }

        Assert.InRange(elapsed, TimeSpan.FromSeconds(1.4), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Connection_that_never_sends_CONNECT_is_closed_after_the_connect_timeout()
    {
        await using var app = new TestApp(["--Gmqtt:ConnectTimeout=00:00:00.500"]);
        var mqtt = app.Listen(l => l.UseMqtt());
        app.Builder.Services.AddGmqtt(app.Builder.Configuration.GetSection("Gmqtt"));
        await app.StartAsync();

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, app.Port(mqtt)));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));

        // A network connection without CONNECT is closed after a reasonable time (MQTT 3.1.1 section 4.8 / 5.0 section 4.2).
        Assert.Equal(0, await socket.ReceiveAsync(new byte[16], SocketFlags.None, timeout.Token));
    }
}
