using System.Text;

namespace Gmqtt.CrashTests;

/// <summary>
/// A subscriber with a persistent session that keeps what the standard asks a persistent client to keep: the
/// identifiers of inbound QoS 2 messages it has received but whose PUBREL has not come, across reconnects. A QoS 2
/// PUBLISH with such an identifier is a re-delivery: answered with PUBREC, not handed to the application again
/// (method B of [MQTT-4.3.3-2], receiver side). Everything handed to the application is counted per message, with
/// its history, so that a test can say which message was lost or duplicated and how it travelled.
/// </summary>
internal sealed class CrashSubscriber(string clientId, MqttVersion version, int subscriptionQoS, Func<string, int> publishQoSOfTopic) : CrashClient(clientId, version)
{
    private readonly Lock _gate = new();
    private readonly HashSet<ushort> _inboundQoS2 = [];
    private readonly Dictionary<string, int> _delivered = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _history = new(StringComparer.Ordinal);
    private readonly List<string> _violations = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<MqttFrame>? _subAck;

    public int SubscriptionQoS => subscriptionQoS;

    /// <summary>
    /// While set, PUBLISH packets are handled (delivered, QoS 2 identifiers recorded) but not answered, as by a client
    /// whose connection dies before its PUBACK / PUBREC goes out.
    /// </summary>
    public bool HoldAcknowledgements { get; set; }

    /// <summary>Messages handed to the application, duplicates at QoS 1 included.</summary>
    public int Deliveries { get; private set; }

    /// <summary>QoS 2 re-deliveries recognised by their pending identifier and not handed to the application.</summary>
    public int DuplicatesSuppressed { get; private set; }

    /// <summary>Broken rules seen so far: a QoS 2 message handed over twice, a PUBLISH at the wrong QoS, an identifier reused while in use.</summary>
    public string[] Violations()
    {
        lock (_gate)
        {
            return [.. _violations];
        }
    }

    /// <summary>Subscribes and returns the granted code.</summary>
    public async Task<byte> SubscribeAsync(string filter, CancellationToken cancellationToken)
    {
        _subAck = new TaskCompletionSource<MqttFrame>(TaskCreationOptions.RunContinuationsAsynchronously);
        await Socket!.SendAsync(MqttWire.EncodeSubscribe(Version, 1, filter, subscriptionQoS), cancellationToken);
        var (_, codes) = MqttWire.DecodeSubAck(await _subAck.Task.WaitAsync(cancellationToken), Version);
        return codes.Single();
    }

    /// <summary>Sends DISCONNECT (normal: the session stays) and waits for the broker to close the connection.</summary>
    public async Task DisconnectAsync(CancellationToken cancellationToken)
    {
        await Socket!.SendAsync(MqttWire.EncodeDisconnect(), cancellationToken);
        await Reader.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken); // The broker closes the connection after DISCONNECT.
        await CloseAsync();
    }

    /// <summary>Waits until every message of <paramref name="expected"/> has been handed to the application; returns those still missing at the deadline.</summary>
    public async Task<List<string>> WaitForDeliveriesAsync(IEnumerable<string> expected, TimeSpan timeout)
    {
        var missing = new HashSet<string>(expected, StringComparer.Ordinal);
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                missing.RemoveWhere(_delivered.ContainsKey);
                if (missing.Count == 0)
                {
                    return [];
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                lock (_gate)
                {
                    missing.RemoveWhere(_delivered.ContainsKey);
                }

                return [.. missing.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>How many times a message was handed to the application.</summary>
    public int DeliveryCount(string messageId)
    {
        lock (_gate)
        {
            return _delivered.GetValueOrDefault(messageId);
        }
    }

    /// <summary>How a message reached this subscriber: one entry per PUBLISH received for it.</summary>
    public string Describe(string messageId)
    {
        lock (_gate)
        {
            return _history.TryGetValue(messageId, out var events) ? string.Join("; ", events) : "never received";
        }
    }

    protected override async Task ReadLoopAsync(MqttSocket socket)
    {
        try
        {
            while (await socket.ReadAsync() is { } frame)
            {
                switch (frame.Type)
                {
                    case MqttWire.Publish:
                        if (OnPublish(MqttWire.DecodePublish(frame, Version)) is { } answer && !HoldAcknowledgements)
                        {
                            await socket.SendAsync(answer);
                        }

                        break;
                    case MqttWire.PubRel:
                    {
                        var packetId = MqttWire.DecodeAck(frame).PacketId;
                        lock (_gate)
                        {
                            _inboundQoS2.Remove(packetId); // Released: the identifier may carry a new message from now on.
                        }

                        // PUBCOMP whether or not it was pending: a PUBREL re-sent after a crash needs its answer too.
                        await socket.SendAsync(MqttWire.EncodeAck(MqttWire.PubComp, packetId));
                        break;
                    }

                    case MqttWire.SubAck:
                        _subAck?.TrySetResult(frame);
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

    /// <summary>Hands the message to the application unless it is a QoS 2 re-delivery; returns the acknowledgement to send.</summary>
    private byte[]? OnPublish(ReceivedPublish publish)
    {
        var id = Encoding.UTF8.GetString(publish.Payload);
        var expectedQoS = Math.Min(publishQoSOfTopic(publish.Topic), subscriptionQoS);
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (publish.QoS != expectedQoS)
            {
                _violations.Add($"{id} arrived at QoS {publish.QoS}, expected {expectedQoS} (epoch {Epoch}, packet id {publish.PacketId})");
            }

            var duplicate = false;
            if (publish.QoS == 2)
            {
                duplicate = !_inboundQoS2.Add(publish.PacketId);
            }
            else if (publish.QoS == 1 && _inboundQoS2.Contains(publish.PacketId))
            {
                _violations.Add($"{id} arrived at QoS 1 with packet id {publish.PacketId}, still in use by a QoS 2 message awaiting PUBREL (epoch {Epoch})");
            }

            if (!_history.TryGetValue(id, out var events))
            {
                _history[id] = events = [];
            }

            events.Add(
                $"epoch {Epoch}: QoS {publish.QoS} packet id {publish.PacketId}{(publish.Dup ? " DUP" : "")}{(duplicate ? " (pending id: not delivered again)" : "")}");
            if (duplicate)
            {
                DuplicatesSuppressed++;
            }
            else
            {
                var count = _delivered[id] = _delivered.GetValueOrDefault(id) + 1;
                Deliveries++;
                if (count > 1 && publish.QoS == 2)
                {
                    _violations.Add($"{id} handed to the application {count} times at QoS 2: {string.Join("; ", events)}");
                }
            }

            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
        return publish.QoS switch
        {
            1 => MqttWire.EncodeAck(MqttWire.PubAck, publish.PacketId),
            2 => MqttWire.EncodeAck(MqttWire.PubRec, publish.PacketId),
            _ => null,
        };
    }
}
