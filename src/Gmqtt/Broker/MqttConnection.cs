using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;
using Microsoft.Extensions.Logging;

namespace Gmqtt.Broker;

/// <summary>
/// One client connection, whatever the transport (TCP, TLS, WebSocket adapted to a duplex pipe). A read loop
/// parses packets and handles them in order; one write loop owns the output pipe, writes control packets and
/// queued messages, and flushes when it has drained them, so that many packets share one system call.
/// </summary>
internal sealed partial class MqttConnection
{
    private const int MaxWriteBatch = 256;

    private readonly MqttBroker _broker;
    private readonly IDuplexPipe _transport;
    private readonly MqttPacketReader _reader;
    private readonly WriteQueue _writes = new();

    private TaskCompletionSource? _closed;
    private int _ended;
    private readonly ILogger _logger;
    private ITimer? _timer;
    private long _lastActivity;
    private TimeSpan _idleLimit;
    private int _closeReason = -1;
    private bool _gracefulDisconnect;
    private MqttWill? _will;

    /// <summary>
    /// Bytes and PUBLISH packets in and out: the read loop writes the received side, the write loop the sent side,
    /// without synchronisation; the broker reads them (<see cref="MqttBroker.GetTraffic"/>).
    /// </summary>
    internal TrafficCounts Traffic;

    /// <summary>Set under the broker's traffic lock once <see cref="Traffic"/> is in the broker's closed total.</summary>
    internal bool TrafficFolded;

    public MqttConnection(MqttBroker broker, IDuplexPipe transport, MqttConnectionInfo info)
    {
        _broker = broker;
        _transport = transport;
        Info = info;
        _logger = broker.Logger;
        _reader = new MqttPacketReader(broker.Options.MaxPacketSize);
    }

    public MqttConnectionInfo Info { get; }

    /// <summary>Set once CONNECT is accepted.</summary>
    public MqttClientInfo? Client { get; private set; }

    public MqttSession? Session { get; private set; }

    public MqttProtocolVersion ProtocolVersion => _reader.ProtocolVersion;

    /// <summary>Completes when the connection is closed and its cleanup (will, hooks) has run.</summary>
    /// <remarks>
    /// Created only when someone waits (a close, a takeover, a stop): an idle connection holds no
    /// TaskCompletionSource. Publishing it and reading <see cref="_ended"/> are both full fences, so either
    /// <see cref="OnEnded"/> sees it or this sees the end.
    /// </remarks>
    public Task Closed
    {
        get
        {
            if (Volatile.Read(ref _ended) != 0)
            {
                return Task.CompletedTask;
            }

            var closed = Volatile.Read(ref _closed);
            if (closed is null)
            {
                var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                closed = Interlocked.CompareExchange(ref _closed, created, null) ?? created;
                if (Volatile.Read(ref _ended) != 0)
                {
                    closed.TrySetResult();
                }
            }

            return closed.Task;
        }
    }

    private TimeProvider Time => _broker.TimeProvider;

    /// <summary>Runs the connection until it closes. Never throws for anything the peer does.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Task? writer = null;

        // The token stops the read loop the way CloseAsync does, rather than being passed to every ReadAsync:
        // one registration for the connection's life, none at all for a token that cannot be cancelled.
        var cancellation = cancellationToken.UnsafeRegister(static s => ((MqttConnection)s!)._transport.Input.CancelPendingRead(), this);
        try
        {
            if (_broker.Hooks.HasHooks && !await _broker.Hooks.OnAcceptAsync(Info.ToAcceptContext()).ConfigureAwait(false))
            {
                Log.ConnectionRefusedByHook(_logger, Info.RemoteEndPoint);
                return;
            }

            _lastActivity = Time.GetTimestamp();
            _idleLimit = _broker.Options.ConnectTimeout;
            _timer = Time.CreateTimer(static s => ((MqttConnection)s!).OnTimer(), this, _idleLimit, Timeout.InfiniteTimeSpan);
            writer = WriteLoopAsync();
            await ReadLoopAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_broker.IsStopping)
        {
            // StopAsync cancels every connection before it closes them: the hooks must hear the real reason.
            SetCloseReason(MqttCloseReason.ServerShutdown);
        }
        catch (Exception e) when (e is IOException or Microsoft.AspNetCore.Connections.ConnectionResetException or Microsoft.AspNetCore.Connections.ConnectionAbortedException or OperationCanceledException or ObjectDisposedException)
        {
            SetCloseReason(MqttCloseReason.ConnectionLost);
        }
        catch (Exception e)
        {
            Log.ConnectionFailed(_logger, Client?.ClientId, e);
            SetCloseReason(MqttCloseReason.ConnectionLost);
        }
        finally
        {
            try
            {
                // Before the transport is completed: a late cancellation then has nothing left to touch.
                await cancellation.DisposeAsync().ConfigureAwait(false);
                _timer?.Dispose();
                await StopWriterAsync(writer).ConfigureAwait(false);

                // Closing our side ends the network connection for transports that do not do it themselves.
                await _transport.Output.CompleteAsync().ConfigureAwait(false);
                await _transport.Input.CompleteAsync().ConfigureAwait(false);
                await _broker.Sessions.DetachAsync(this, CloseReason, _gracefulDisconnect ? null : _will).ConfigureAwait(false);
            }
            finally
            {
                _broker.FoldTraffic(this);
                _broker.ForgetConnection(this);
                OnEnded();
            }
        }
    }

    private void OnEnded()
    {
        Interlocked.Exchange(ref _ended, 1);
        Volatile.Read(ref _closed)?.TrySetResult();
    }

    public MqttCloseReason CloseReason => _closeReason < 0 ? MqttCloseReason.ConnectionLost : (MqttCloseReason)_closeReason;

    /// <summary>Asks the connection to close; <see cref="Closed"/> completes when it has.</summary>
    public Task CloseAsync(MqttCloseReason reason)
    {
        if (Interlocked.CompareExchange(ref _closeReason, (int)reason, -1) == -1 && Client is not null &&
            ProtocolVersion == MqttProtocolVersion.V500 && ServerDisconnectReason(reason) is { } code)
        {
            // MQTT 5.0: a server-initiated close says why (section 4.13.2); the write loop sends it before closing.
            Send(new DisconnectPacket { ReasonCode = code });
        }

        _transport.Input.CancelPendingRead();
        return Closed;
    }

    private static MqttReasonCode? ServerDisconnectReason(MqttCloseReason reason) => reason switch
    {
        MqttCloseReason.ServerShutdown => MqttReasonCode.ServerShuttingDown,
        MqttCloseReason.SessionTakenOver => MqttReasonCode.SessionTakenOver,
        MqttCloseReason.KeepAliveTimeout => MqttReasonCode.KeepAliveTimeout,
        MqttCloseReason.AdministrativeAction => MqttReasonCode.AdministrativeAction,
        _ => null,
    };

    /// <summary>Queues a control packet (acknowledgments, CONNACK, SUBACK…) for the write loop.</summary>
    public void Send(MqttPacket packet) => _writes.Enqueue(packet);

    /// <summary>Batches of acknowledgements handed to the store writer and not yet sent; while any is, later ones wait too.</summary>
    private int _awaitingCommit;

    /// <summary>Acknowledgements of the packets of the current read that wait for a commit, in order (read loop only).</summary>
    private List<MqttPacket>? _commitAcks;

    /// <summary>
    /// Sends an acknowledgement (PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK) once what it acknowledges is
    /// committed to a durable session store: at once when <paramref name="needsCommit"/> is false and nothing sent
    /// before it is still waiting. The read loop never waits for the disk: it goes on reading, and hands the
    /// acknowledgements of one read to the writer together once its packets are handled (<see cref="HandOverCommitAcks"/>),
    /// so that one commit covers them all. A failed commit is never acknowledged: an MQTT 5.0 PUBACK/PUBREC says 0x80,
    /// anything else closes the connection.
    /// </summary>
    internal void SendAfterCommit(MqttPacket packet, bool needsCommit)
    {
        if (_broker.StoreWriter is not { AcknowledgeAfterCommit: true } ||
            (!needsCommit && _commitAcks is null && Volatile.Read(ref _awaitingCommit) == 0))
        {
            Send(packet);
            return;
        }

        (_commitAcks ??= []).Add(packet);
    }

    /// <summary>Hands the acknowledgements of the read just handled to the store writer, to be sent once committed.</summary>
    private void HandOverCommitAcks()
    {
        if (_commitAcks is not { } acks)
        {
            return;
        }

        _commitAcks = null; // The callback owns this list; the next read starts another.
        Interlocked.Increment(ref _awaitingCommit);
        _broker.StoreWriter!.AfterCommit(committed =>
        {
            foreach (var packet in acks)
            {
                if (committed)
                {
                    Send(packet);
                }
                else if (ProtocolVersion == MqttProtocolVersion.V500 && packet is PubAckPacket or PubRecPacket)
                {
                    ((MqttAckPacket)packet).ReasonCode = MqttReasonCode.UnspecifiedError;
                    Send(packet);
                }
                else
                {
                    _ = CloseAsync(MqttCloseReason.ServerShutdown, MqttReasonCode.UnspecifiedError, serverReference: null);
                    break;
                }
            }

            Interlocked.Decrement(ref _awaitingCommit);
        });
    }

    public void SignalWriter() => _writes.Signal();

    private void SetCloseReason(MqttCloseReason reason) => Interlocked.CompareExchange(ref _closeReason, (int)reason, -1);

    private void OnTimer()
    {
        // A one-shot timer set to the deadline: activity only stores a timestamp, and the timer re-arms itself
        // for the time left, so an active connection costs no timer change per packet.
        var idle = Time.GetElapsedTime(Volatile.Read(ref _lastActivity));
        if (idle >= _idleLimit)
        {
            var reason = Client is null ? MqttCloseReason.ProtocolError : MqttCloseReason.KeepAliveTimeout;
            if (Client is null)
            {
                Log.ConnectTimeout(_logger, Info.RemoteEndPoint);
            }
            else
            {
                Log.KeepAliveTimeout(_logger, Client.ClientId);
            }

            _ = CloseAsync(reason);
            return;
        }

        _timer?.Change(_idleLimit - idle, Timeout.InfiniteTimeSpan);
    }

    private async Task ReadLoopAsync()
    {
        var input = _transport.Input;
        while (true)
        {
            var result = await input.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            var keepReading = true;
            try
            {
                if (result.IsCanceled)
                {
                    return;
                }

                while (keepReading && MqttPacketReader.TryReadFrame(buffer, _reader.MaximumPacketSize, out var header, out var body))
                {
                    Volatile.Write(ref _lastActivity, Time.GetTimestamp());
                    var rest = buffer.Slice(body.End);
                    // Counted before it is handled, so that its answer (a PINGRESP…) is a barrier for the count.
                    Traffic.BytesReceived += buffer.Length - rest.Length;
                    Traffic.PacketsReceived++;
                    keepReading = await HandleFrameAsync(header, body).ConfigureAwait(false);
                    buffer = rest;
                }

                if (!keepReading)
                {
                    return;
                }

                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty)
                    {
                        Log.TruncatedPacket(_logger, Client?.ClientId, buffer.Length);
                    }

                    SetCloseReason(MqttCloseReason.ConnectionLost);
                    return;
                }
            }
            catch (MqttProtocolException e)
            {
                OnProtocolViolation(e);
                return;
            }
            finally
            {
                HandOverCommitAcks();
                // Everything was examined: wake up only when more bytes arrive, not for the same partial packet.
                input.AdvanceTo(buffer.Start, buffer.End);
            }
        }
    }

    private void OnProtocolViolation(MqttProtocolException e)
    {
        Log.ProtocolViolation(_logger, Client?.ClientId ?? Info.RemoteEndPoint?.ToString(), e.ReasonCode, e.Message);
        SetCloseReason(MqttCloseReason.ProtocolError);
        if (Client is null)
        {
            if (e.ReasonCode == MqttReasonCode.UnsupportedProtocolVersion)
            {
                // Unsupported protocol level: CONNACK 0x01 (0x84 for MQTT 5.0), then close [MQTT-3.1.2-2].
                var version = _reader.ProtocolVersion == MqttProtocolVersion.V500 ? MqttProtocolVersion.V500 : MqttProtocolVersion.V311;
                _reader.ProtocolVersion = version;
                Send(new ConnAckPacket { ReasonCode = MqttReasonCode.UnsupportedProtocolVersion });
                _broker.Counters.CountConnectFailure(MqttReasonCode.UnsupportedProtocolVersion, authFailure: false);
            }
            else if (_reader.ProtocolVersion == MqttProtocolVersion.V500 && e.PacketType == MqttPacketType.Connect)
            {
                // MQTT 5.0: a malformed CONNECT may be answered with CONNACK carrying the reason (section 4.13).
                var code = e.ReasonCode == MqttReasonCode.PacketTooLarge ? MqttReasonCode.PacketTooLarge : e.ReasonCode;
                Send(new ConnAckPacket { ReasonCode = code });
                _broker.Counters.CountConnectFailure(code, authFailure: false);
            }
        }
        else if (ProtocolVersion == MqttProtocolVersion.V500)
        {
            // MQTT 5.0: tell the client why before closing (section 4.13.2).
            Send(new DisconnectPacket { ReasonCode = MqttReasonCodes.IsAllowed(MqttPacketType.Disconnect, e.ReasonCode) ? e.ReasonCode : MqttReasonCode.ProtocolError });
        }
    }

    private async Task StopWriterAsync(Task? writer)
    {
        _writes.Complete();
        if (writer is null)
        {
            return;
        }

        try
        {
            // Let the write loop deliver what it owes (e.g. a refusing CONNACK), but never wait on a stalled peer.
            await writer.WaitAsync(TimeSpan.FromSeconds(5), Time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _transport.Output.CancelPendingFlush();
            await writer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}

/// <summary>Transport facts about a connection, given by the host.</summary>
internal sealed record MqttConnectionInfo(string Transport, EndPoint? RemoteEndPoint, EndPoint? LocalEndPoint, X509Certificate2? ClientCertificate)
{
    public MqttAcceptContext ToAcceptContext() => new() { Transport = Transport, RemoteEndPoint = RemoteEndPoint, LocalEndPoint = LocalEndPoint };
}
