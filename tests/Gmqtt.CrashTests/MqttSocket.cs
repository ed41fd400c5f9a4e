using System.Net;
using System.Net.Sockets;

namespace Gmqtt.CrashTests;

/// <summary>One TCP connection to the broker after a successful CONNECT: packets out under a write lock, packets in one at a time.</summary>
internal sealed class MqttSocket : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly BufferedStream _input;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    private MqttSocket(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _input = new BufferedStream(_stream, 64 * 1024); // Reads only; writes go straight to the socket.
    }

    /// <summary>Connects, sends CONNECT and reads CONNACK; throws unless the broker accepted.</summary>
    public static async Task<(MqttSocket Socket, bool SessionPresent)> ConnectAsync(
        int port, MqttVersion version, string clientId, bool cleanStart, uint sessionExpiry, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient { NoDelay = true };
        var socket = (MqttSocket?)null;
        try
        {
            await tcp.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            socket = new MqttSocket(tcp);
            await socket.SendAsync(MqttWire.EncodeConnect(version, clientId, cleanStart, sessionExpiry), cancellationToken);
            var frame = await socket.ReadAsync(cancellationToken) ?? throw new IOException($"{clientId}: the broker closed the connection before CONNACK.");
            var (present, code) = MqttWire.DecodeConnAck(frame);
            if (code != 0)
            {
                throw new IOException($"{clientId}: CONNACK refused with 0x{code:X2}.");
            }

            return (socket, present);
        }
        catch
        {
            if (socket is not null)
            {
                await socket.DisposeAsync();
            }
            else
            {
                tcp.Dispose();
            }

            throw;
        }
    }

    public async Task SendAsync(byte[] packet, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await _stream.WriteAsync(packet, cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>The next packet, or null when the broker closed the connection.</summary>
    public Task<MqttFrame?> ReadAsync(CancellationToken cancellationToken = default) => MqttWire.ReadFrameAsync(_input, cancellationToken);

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose(); // Ends a pending read with an exception, which the read loops take for a lost connection.
        return ValueTask.CompletedTask;
    }

    /// <summary>Whether an exception is the connection going away (the broker was killed, or we closed the socket).</summary>
    public static bool IsConnectionLoss(Exception e) =>
        e is IOException or SocketException or ObjectDisposedException or EndOfStreamException or OperationCanceledException;
}
