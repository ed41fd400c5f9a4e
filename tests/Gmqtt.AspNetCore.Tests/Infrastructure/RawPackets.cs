using System.Buffers;
using System.Net.WebSockets;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.AspNetCore.Tests.Infrastructure;

/// <summary>Raw MQTT bytes for transports the tests drive by hand (sockets, WebSocket frames).</summary>
internal static class RawPackets
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static byte[] Encode(MqttPacket packet, MqttProtocolVersion version = MqttProtocolVersion.V311)
    {
        var buffer = new ArrayBufferWriter<byte>();
        MqttPacketWriter.Write(packet, version, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Connect(string clientId, ushort keepAlive = 0, MqttProtocolVersion version = MqttProtocolVersion.V311) =>
        Encode(new ConnectPacket { ProtocolVersion = version, ClientId = clientId, CleanSession = true, KeepAlive = keepAlive }, version);
}

/// <summary>Parses the packets the broker sends, whatever chunks they arrive in.</summary>
internal sealed class PacketBuffer(MqttProtocolVersion version = MqttProtocolVersion.V311)
{
    private readonly MqttPacketReader _reader = new() { ProtocolVersion = version };
    private byte[] _bytes = [];

    public void Append(ReadOnlySpan<byte> bytes) => _bytes = [.. _bytes, .. bytes];

    public bool TryRead(out MqttPacket? packet)
    {
        var sequence = new ReadOnlySequence<byte>(_bytes);
        if (_reader.TryRead(ref sequence, out packet))
        {
            _bytes = sequence.ToArray();
            return true;
        }

        return false;
    }
}

/// <summary>A WebSocket client that sends and reads raw MQTT bytes.</summary>
internal sealed class RawWebSocket(ClientWebSocket socket) : IDisposable
{
    private readonly PacketBuffer _packets = new();

    public ClientWebSocket Socket { get; } = socket;

    /// <summary>Why the broker closed the socket, once a Close frame arrived.</summary>
    public WebSocketCloseStatus? CloseStatus { get; private set; }

    public static async Task<RawWebSocket> ConnectAsync(int port, params string[] subProtocols)
    {
        var socket = new ClientWebSocket();
        foreach (var subProtocol in subProtocols)
        {
            socket.Options.AddSubProtocol(subProtocol);
        }

        socket.Options.CollectHttpResponseDetails = true;
        using var timeout = new CancellationTokenSource(RawPackets.Timeout);
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/mqtt"), timeout.Token);
        return new RawWebSocket(socket);
    }

    public async Task SendAsync(byte[] bytes, WebSocketMessageType type = WebSocketMessageType.Binary, bool endOfMessage = true)
    {
        using var timeout = new CancellationTokenSource(RawPackets.Timeout);
        await Socket.SendAsync(bytes, type, endOfMessage, timeout.Token);
    }

    /// <summary>The next MQTT packet, or null when the broker closed the WebSocket.</summary>
    public async Task<MqttPacket?> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(RawPackets.Timeout);
        var buffer = new byte[4096];
        while (true)
        {
            if (_packets.TryRead(out var packet))
            {
                return packet;
            }

            var result = await Socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                CloseStatus = result.CloseStatus;
                return null;
            }

            Assert.Equal(WebSocketMessageType.Binary, result.MessageType); // [MQTT-6.0.0-1]
            _packets.Append(buffer.AsSpan(0, result.Count));
        }
    }

    public async Task<TPacket> ReceiveAsync<TPacket>()
        where TPacket : MqttPacket
    {
        var packet = await ReceiveAsync();
        return packet as TPacket ?? throw new Xunit.Sdk.XunitException($"Expected {typeof(TPacket).Name}, got {packet?.GetType().Name ?? "the WebSocket closing"}.");
    }

    public void Dispose() => Socket.Dispose();
}
