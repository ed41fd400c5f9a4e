namespace Gmqtt.CrashTests;

/// <summary>
/// What the crash tests' publisher and subscriber share: a persistent session (expiry 3,600 s) over a raw socket, one
/// read loop per connection, and the broker incarnation (epoch) the current connection belongs to.
/// </summary>
internal abstract class CrashClient(string clientId, MqttVersion version)
{
    public string ClientId => clientId;

    public MqttVersion Version => version;

    protected MqttSocket? Socket { get; private set; }

    /// <summary>The read loop of the current connection.</summary>
    protected Task Reader { get; private set; } = Task.CompletedTask;

    protected int Epoch { get; private set; }

    /// <summary>Connects (the broker incarnation is <paramref name="epoch"/>, for the message history) and returns Session Present.</summary>
    public async Task<bool> ConnectAsync(int port, bool cleanStart, int epoch, CancellationToken cancellationToken)
    {
        await CloseAsync();
        var (socket, present) = await MqttSocket.ConnectAsync(port, version, clientId, cleanStart, sessionExpiry: 3600, cancellationToken);
        Socket = socket;
        Epoch = epoch;
        Reader = ReadLoopAsync(socket);
        return present;
    }

    public async Task CloseAsync()
    {
        if (Socket is { } socket)
        {
            await socket.DisposeAsync();
            await Reader.WaitAsync(TimeSpan.FromSeconds(10));
            Socket = null;
        }
    }

    protected abstract Task ReadLoopAsync(MqttSocket socket);
}
