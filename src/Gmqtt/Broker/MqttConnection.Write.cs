using System.IO.Pipelines;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Broker;

internal sealed partial class MqttConnection
{
    /// <summary>
    /// The only writer of the output pipe. Each round takes the sendable messages first, then the control
    /// packets, and writes control packets before messages: a SUBACK queued before its retained messages is
    /// therefore always written before them. It flushes once per round, batching many packets per system call.
    /// </summary>
    private async Task WriteLoopAsync()
    {
        await Task.Yield();
        var output = _transport.Output;
        var batch = new List<OutboundMessage>();
        try
        {
            while (await _writes.WaitAsync().ConfigureAwait(false))
            {
                if (!await WriteRoundsAsync(output, batch).ConfigureAwait(false))
                {
                    return;
                }
            }

            // Closing: deliver what is still owed (a refusing CONNACK, a DISCONNECT with a reason).
            if (_writes.TakeControl() is { } owed)
            {
                foreach (var packet in owed)
                {
                    WritePacket(packet, output);
                }

                await output.FlushAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or OperationCanceledException or ObjectDisposedException
                                      or Microsoft.AspNetCore.Connections.ConnectionResetException or Microsoft.AspNetCore.Connections.ConnectionAbortedException)
        {
            // The transport went away; the read loop sees it too and closes the connection.
            _transport.Input.CancelPendingRead();
        }
    }

    private async ValueTask<bool> WriteRoundsAsync(PipeWriter output, List<OutboundMessage> batch)
    {
        while (true)
        {
            batch.Clear();
            List<OutboundMessage>? expired = null;
            if (_messagesEnabled)
            {
                Session!.Outbox.TakeSendable(batch, MaxWriteBatch, Time, ref expired);
            }

            var wrote = false;
            if (_writes.TakeControl() is { } control)
            {
                foreach (var packet in control)
                {
                    WritePacket(StripProblemInformation(packet), output);
                    if (packet is PubAckPacket ack)
                    {
                        Volatile.Write(ref _spareAck, ack); // Written: the read loop may reuse it (HandlePublishAsync).
                    }
                }

                _writes.Recycle(control);
                wrote = true;
            }

            List<OutboundMessage>? tooLarge = null;
            wrote |= WriteMessages(output, batch, ref tooLarge);
            if (tooLarge is not null || expired is not null)
            {
                await ReportUndeliverableAsync(tooLarge, expired).ConfigureAwait(false);
                wrote = true; // The in-flight window may have room again: go round once more.
            }

            if (!wrote)
            {
                return true;
            }

            var flush = await output.FlushAsync().ConfigureAwait(false);
            if (flush.IsCompleted || flush.IsCanceled)
            {
                return false;
            }

            if (_broker.Hooks.HasHooks)
            {
                foreach (var message in batch)
                {
                    await _broker.Hooks.OnDeliveredAsync(Client!, message.Message).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>
    /// The encode step of a write round: each message of <paramref name="batch"/> as a PUBLISH into
    /// <paramref name="output"/>, in order; one too large for the client goes to <paramref name="tooLarge"/> instead.
    /// Write loop only. Returns whether anything was written.
    /// </summary>
    internal bool WriteMessages(PipeWriter output, List<OutboundMessage> batch, ref List<OutboundMessage>? tooLarge)
    {
        var wrote = false;
        var publish = _outgoingPublish ??= new PublishPacket();
        foreach (var message in batch)
        {
            // One packet per connection, refilled for every message: writing is synchronous and nothing keeps it.
            FillPublish(publish, message, dup: false, reuseProperties: true);
            if (IsTooLargeForClient(publish))
            {
                // Too large for the client: discard it and behave as if it had been sent [MQTT-3.1.2-24] [MQTT-3.1.2-25].
                (tooLarge ??= []).Add(message);
                continue;
            }

            WritePacket(WithTopicAlias(publish, message.Message), output);
            wrote = true;
        }

        return wrote;
    }

    /// <summary>Whether <paramref name="publish"/> is larger than the Maximum Packet Size the client set (MQTT 5.0).</summary>
    private bool IsTooLargeForClient(PublishPacket publish) =>
        _maximumPacketSizeToClient != uint.MaxValue && MqttPacketWriter.GetSize(publish, ProtocolVersion) > _maximumPacketSizeToClient;

    /// <summary>Encodes one packet into the output and counts it (write loop only, so plain increments).</summary>
    private void WritePacket(MqttPacket packet, PipeWriter output)
    {
        Traffic.BytesSent += MqttPacketWriter.Write(packet, ProtocolVersion, output);
        Traffic.PacketsSent++;
        if (packet is PublishPacket publish)
        {
            Traffic.PublishSent.Increment(publish.QoS);
        }
    }

    /// <summary>Messages that expired in the queue or are too large for the client: counted as dropped.</summary>
    private async ValueTask ReportUndeliverableAsync(List<OutboundMessage>? tooLarge, List<OutboundMessage>? expired)
    {
        var session = Session!;
        _broker.Counters.CountDrops(Hooks.MqttDropReason.PacketTooLarge, tooLarge?.Count ?? 0);
        _broker.Counters.CountDrops(Hooks.MqttDropReason.Expired, expired?.Count ?? 0);
        if (tooLarge is not null)
        {
            foreach (var message in tooLarge)
            {
                session.Outbox.Discard(message);
                Log.MessageTooLarge(_logger, session.ClientId, message.Message.Topic, _maximumPacketSizeToClient);
            }
        }

        if (_broker.Hooks.HasHooks)
        {
            foreach (var message in tooLarge ?? [])
            {
                await _broker.Hooks.OnMessageDroppedAsync(session.ClientId, message.Message, Hooks.MqttDropReason.PacketTooLarge).ConfigureAwait(false);
            }

            foreach (var message in expired ?? [])
            {
                await _broker.Hooks.OnMessageDroppedAsync(session.ClientId, message.Message, Hooks.MqttDropReason.Expired).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A client that set Request Problem Information to 0 gets no Reason String or User Properties except on
    /// PUBLISH, CONNACK and DISCONNECT [MQTT-3.1.2-29].
    /// </summary>
    private MqttPacket StripProblemInformation(MqttPacket packet)
    {
        if (_requestProblemInformation || packet is PublishPacket or ConnAckPacket or DisconnectPacket ||
            packet is not MqttPacketWithProperties { Properties: { } properties } ||
            (properties.ReasonString is null && properties.UserProperties is null))
        {
            return packet;
        }

        properties.ReasonString = null;
        properties.UserProperties = null;
        return packet;
    }

    /// <summary>The write loop's PUBLISH, refilled for each message it writes (<see cref="WriteMessages"/>).</summary>
    private PublishPacket? _outgoingPublish;

    /// <summary>The write loop's per-delivery MQTT 5.0 properties, refilled like <see cref="_outgoingPublish"/>.</summary>
    private MqttProperties? _outgoingProperties;

    /// <summary>A PUBLISH of its own, for a packet that waits in the control queue (a re-send after reconnect).</summary>
    private PublishPacket CreatePublish(OutboundMessage message, bool dup) =>
        FillPublish(new PublishPacket(), message, dup, reuseProperties: false);

    private PublishPacket FillPublish(PublishPacket packet, OutboundMessage message, bool dup, bool reuseProperties)
    {
        if (message.QoS > MqttQualityOfService.AtMostOnce)
        {
            message.Sent = true; // QoS 0 instances may be shared between sessions and are never changed.
        }

        packet.Topic = message.Message.Topic;
        packet.Payload = message.Message.Payload;
        packet.QoS = message.QoS;
        packet.Retain = message.Retain;
        // DUP is set only when re-delivering a QoS 1/2 PUBLISH [MQTT-3.3.1-1] [MQTT-3.3.1-2].
        packet.Dup = dup && message.QoS > MqttQualityOfService.AtMostOnce;
        packet.PacketId = message.PacketId;
        packet.Properties = ProtocolVersion == MqttProtocolVersion.V500 ? OutboundProperties(message, reuseProperties) : null;
        return packet;
    }

    /// <summary>
    /// The MQTT 5.0 properties sent with one delivery: the publisher's, unchanged and in order [MQTT-3.3.2-15]
    /// [MQTT-3.3.2-17] [MQTT-3.3.2-20], plus this subscriber's subscription identifiers [MQTT-3.3.4-3] and the
    /// Message Expiry Interval minus the time spent in the broker [MQTT-3.3.2-6]. The shared properties are copied
    /// only when something per delivery must be added: into the write loop's own object when
    /// <paramref name="reuse"/> (the packet is written at once), otherwise into a new one.
    /// </summary>
    private MqttProperties? OutboundProperties(OutboundMessage message, bool reuse)
    {
        var shared = message.Message.Properties;
        var remaining = message.Message.RemainingExpiry(Time);
        if (message.SubscriptionIds is null && remaining is null)
        {
            return shared;
        }

        // Only these fields are ever set on the reused object (topic aliases add TopicAlias), so setting them all
        // leaves nothing from the previous message.
        var properties = reuse ? _outgoingProperties ??= new MqttProperties() : new MqttProperties();
        properties.PayloadFormatIndicator = shared?.PayloadFormatIndicator;
        properties.MessageExpiryInterval = remaining is { } left ? Math.Max(left, 1) : null;
        properties.ContentType = shared?.ContentType;
        properties.ResponseTopic = shared?.ResponseTopic;
        properties.CorrelationData = shared?.CorrelationData;
        properties.UserProperties = shared?.UserProperties;
        properties.SubscriptionIdentifiers = message.SubscriptionIds;
        properties.TopicAlias = null;
        return properties;
    }
}
