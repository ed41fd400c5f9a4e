using System.Text;

namespace Gmqtt.CrashTests;

/// <summary>
/// A publisher with a persistent session that behaves as the standard asks of one across a broker crash: every
/// message it sends is numbered (the payload is <c>{ClientId}/{n}</c>), it keeps each QoS 1/2 exchange until it ends,
/// and after a reconnect it re-sends the unacknowledged PUBLISH (DUP set) and PUBREL packets with their original
/// identifiers [MQTT-4.4.0-1]. A message counts as acknowledged the moment its PUBACK (QoS 1) or PUBREC (QoS 2)
/// arrives with a success code: that is the moment the broker promised to keep it.
/// </summary>
internal sealed class CrashPublisher(string clientId, MqttVersion version, int qos, int window) : CrashClient(clientId, version)
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _window = new(window, window);
    private readonly Dictionary<ushort, Outgoing> _inflight = [];
    private readonly List<string> _acknowledged = [];
    private readonly Dictionary<string, Outgoing> _history = new(StringComparer.Ordinal);
    private readonly List<(int Count, TaskCompletionSource Reached)> _ackWaiters = [];
    private int _sequence;
    private long _order;
    private ushort _lastPacketId;

    public int QoS => qos;

    /// <summary>The topic its numbered messages go to.</summary>
    public string Topic => $"crash/{ClientId}";

    /// <summary>Messages sent for the first time (re-sends not counted).</summary>
    public int Sent { get; private set; }

    /// <summary>PUBLISH and PUBREL packets re-sent after reconnects.</summary>
    public int Resent { get; private set; }

    /// <summary>Acknowledgements that matched no exchange of ours (a broker answering twice, or for an identifier we never used).</summary>
    public int UnexpectedAcks { get; private set; }

    public int AcknowledgedCount
    {
        get
        {
            lock (_gate)
            {
                return _acknowledged.Count;
            }
        }
    }

    public int InflightCount
    {
        get
        {
            lock (_gate)
            {
                return _inflight.Count;
            }
        }
    }

    /// <summary>Every numbered message the broker acknowledged, in order.</summary>
    public string[] Acknowledged()
    {
        lock (_gate)
        {
            return [.. _acknowledged];
        }
    }

    /// <summary>Completes once <see cref="AcknowledgedCount"/> reaches <paramref name="count"/>.</summary>
    public Task WhenAcknowledged(int count)
    {
        lock (_gate)
        {
            if (_acknowledged.Count >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _ackWaiters.Add((count, reached));
            return reached.Task;
        }
    }

    /// <summary>
    /// Publishes numbered messages as fast as the in-flight window allows until <paramref name="stop"/>; a lost
    /// connection leaves the messages in flight where they are, waiting for <see cref="ResendAsync"/>.
    /// </summary>
    public async Task PublishUntilAsync(CancellationToken stop)
    {
        var socket = Socket!;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await _window.WaitAsync(stop);
                var message = Track(Topic, payload: null, retain: false, numbered: true);
                await socket.SendAsync(Encode(message, dup: false), stop);
            }
        }
        catch (Exception e) when (MqttSocket.IsConnectionLoss(e))
        {
            // Killed, or stopped: whatever is in flight stays in flight.
        }
    }

    /// <summary>Re-sends, in their original order, the PUBLISH (with DUP) or PUBREL of every exchange still open.</summary>
    public async Task ResendAsync(CancellationToken cancellationToken)
    {
        List<(ushort PacketId, Outgoing Message)> open;
        lock (_gate)
        {
            open = [.. _inflight.OrderBy(e => e.Value.Order).Select(e => (e.Key, e.Value))];
        }

        foreach (var (packetId, message) in open)
        {
            message.ResentInEpochs.Add(Epoch);
            Resent++;
            await Socket!.SendAsync(message.Released ? MqttWire.EncodeAck(MqttWire.PubRel, packetId) : Encode(message, dup: true), cancellationToken);
        }
    }

    /// <summary>Waits until no exchange is open (every window slot is free again).</summary>
    public async Task WaitIdleAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var taken = 0;
        try
        {
            for (; taken < window; taken++)
            {
                await _window.WaitAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{ClientId}: {InflightCount} exchanges still open after {timeout.TotalSeconds} s: {Describe(OpenMessageIds())}");
        }
        finally
        {
            if (taken > 0)
            {
                _window.Release(taken);
            }
        }
    }

    /// <summary>Publishes <paramref name="count"/> numbered messages one after the other, each awaited until acknowledged.</summary>
    public async Task PublishAcknowledgedAsync(int count, CancellationToken cancellationToken)
    {
        for (var i = 0; i < count; i++)
        {
            await _window.WaitAsync(cancellationToken);
            var message = Track(Topic, payload: null, retain: false, numbered: true);
            await Socket!.SendAsync(Encode(message, dup: false), cancellationToken);
            if (!await AwaitAcknowledgementAsync(message, cancellationToken))
            {
                throw new InvalidOperationException($"{ClientId}: {message.Id} was refused.");
            }
        }
    }

    /// <summary>Publishes a retained message (not numbered: it is checked through the retained store) and waits for its acknowledgement.</summary>
    public async Task PublishRetainedAsync(string topic, string payload, CancellationToken cancellationToken)
    {
        await _window.WaitAsync(cancellationToken);
        var message = Track(topic, Encoding.UTF8.GetBytes(payload), retain: true, numbered: false);
        await Socket!.SendAsync(Encode(message, dup: false), cancellationToken);
        if (!await AwaitAcknowledgementAsync(message, cancellationToken))
        {
            throw new InvalidOperationException($"{ClientId}: the retained message on {topic} was refused.");
        }
    }

    /// <summary>What this publisher knows of a numbered message: packet identifier, when it was sent, re-sent and acknowledged.</summary>
    public string Describe(string messageId)
    {
        lock (_gate)
        {
            return _history.TryGetValue(messageId, out var m)
                ? $"{messageId}: QoS {qos}, packet id {m.PacketId}, sent in epoch {m.SentInEpoch}, re-sent in [{string.Join(",", m.ResentInEpochs)}], " +
                  $"{(m.AcknowledgedInEpoch is { } a ? $"{(qos == 1 ? "PUBACK" : "PUBREC")} in epoch {a}" : "never acknowledged")}" +
                  $"{(qos == 2 ? m.CompletedInEpoch is { } c ? $", PUBCOMP in epoch {c}" : ", no PUBCOMP" : "")}"
                : $"{messageId}: unknown to {ClientId}";
        }
    }

    private async Task<bool> AwaitAcknowledgementAsync(Outgoing message, CancellationToken cancellationToken)
    {
        try
        {
            return await message.Done.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{ClientId}: no acknowledgement for {message.Id} (packet id {message.PacketId}) within 30 s.");
        }
    }

    private string Describe(IEnumerable<string> ids) => string.Join("; ", ids.Take(5).Select(Describe));

    private string[] OpenMessageIds()
    {
        lock (_gate)
        {
            return [.. _inflight.Values.Select(m => m.Id)];
        }
    }

    private Outgoing Track(string topic, byte[]? payload, bool retain, bool numbered)
    {
        lock (_gate)
        {
            var id = numbered ? $"{ClientId}/{++_sequence}" : $"{ClientId}:{topic}";
            var packetId = NextPacketId();
            var message = new Outgoing(id, topic, payload ?? Encoding.UTF8.GetBytes(id), retain, numbered, packetId, ++_order, Epoch);
            _inflight.Add(packetId, message);
            if (numbered)
            {
                _history.Add(id, message);
                Sent++;
            }

            return message;
        }
    }

    private ushort NextPacketId()
    {
        // Never an identifier of an open exchange: it stays in use until PUBACK / PUBCOMP, across reconnects too.
        do
        {
            _lastPacketId = _lastPacketId == ushort.MaxValue ? (ushort)1 : (ushort)(_lastPacketId + 1);
        }
        while (_inflight.ContainsKey(_lastPacketId));

        return _lastPacketId;
    }

    private byte[] Encode(Outgoing message, bool dup) =>
        MqttWire.EncodePublish(Version, message.Topic, message.Payload, qos, message.Retain, dup, message.PacketId);

    protected override async Task ReadLoopAsync(MqttSocket socket)
    {
        try
        {
            while (await socket.ReadAsync() is { } frame)
            {
                switch (frame.Type)
                {
                    case MqttWire.PubAck:
                    {
                        var (packetId, reason) = MqttWire.DecodeAck(frame);
                        End(packetId, expectedQoS: 1, acknowledged: reason < 0x80);
                        break;
                    }

                    case MqttWire.PubRec:
                    {
                        var (packetId, reason) = MqttWire.DecodeAck(frame);
                        if (reason >= 0x80)
                        {
                            End(packetId, expectedQoS: 2, acknowledged: false); // A failed PUBREC ends the exchange (MQTT 5.0 section 4.3.3).
                        }
                        else if (Received(packetId))
                        {
                            await socket.SendAsync(MqttWire.EncodeAck(MqttWire.PubRel, packetId));
                        }

                        break;
                    }

                    case MqttWire.PubComp:
                        End(MqttWire.DecodeAck(frame).PacketId, expectedQoS: 2, acknowledged: true);
                        break;
                    case MqttWire.Disconnect:
                        return;
                }
            }
        }
        catch (Exception e) when (MqttSocket.IsConnectionLoss(e))
        {
        }
    }

    /// <summary>PUBREC: the QoS 2 message is acknowledged; the exchange goes on with PUBREL. False when no such exchange is open.</summary>
    private bool Received(ushort packetId)
    {
        lock (_gate)
        {
            if (qos != 2 || !_inflight.TryGetValue(packetId, out var message))
            {
                UnexpectedAcks++;
                return false;
            }

            if (!message.Released)
            {
                message.Released = true;
                Acknowledge(message);
            }

            return true;
        }
    }

    /// <summary>PUBACK (QoS 1) or PUBCOMP (QoS 2), or a failure code: the exchange is over and its identifier free.</summary>
    private void End(ushort packetId, int expectedQoS, bool acknowledged)
    {
        Outgoing? message;
        lock (_gate)
        {
            if (qos != expectedQoS || !_inflight.Remove(packetId, out message))
            {
                UnexpectedAcks++;
                return;
            }

            if (qos == 1 && acknowledged)
            {
                Acknowledge(message);
            }

            if (qos == 2 && message.Released)
            {
                message.CompletedInEpoch = Epoch;
            }
        }

        _window.Release();
        message.Done.TrySetResult(message.AcknowledgedInEpoch is not null);
    }

    private void Acknowledge(Outgoing message)
    {
        message.AcknowledgedInEpoch = Epoch;
        if (message.Numbered)
        {
            _acknowledged.Add(message.Id);
            _ackWaiters.RemoveAll(w => w.Count <= _acknowledged.Count && w.Reached.TrySetResult());
        }
    }

    private sealed class Outgoing(string id, string topic, byte[] payload, bool retain, bool numbered, ushort packetId, long order, int sentInEpoch)
    {
        public string Id => id;

        public string Topic => topic;

        public byte[] Payload => payload;

        public bool Retain => retain;

        public bool Numbered => numbered;

        public ushort PacketId => packetId;

        public long Order => order;

        public int SentInEpoch => sentInEpoch;

        public List<int> ResentInEpochs { get; } = [];

        /// <summary>QoS 2: PUBREC received, PUBREL owed until PUBCOMP.</summary>
        public bool Released { get; set; }

        public int? AcknowledgedInEpoch { get; set; }

        public int? CompletedInEpoch { get; set; }

        /// <summary>Completes when the exchange ends: true when acknowledged with success.</summary>
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
