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
                    MqttPacketWriter.Write(packet, ProtocolVersion, output);
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
                Session!.TakeSendable(batch, MaxWriteBatch, Time, ref expired);
            }

            var wrote = false;
            if (_writes.TakeControl() is { } control)
            {
                foreach (var packet in control)
                {
                    MqttPacketWriter.Write(StripProblemInformation(packet), ProtocolVersion, output);
                }

                _writes.Recycle(control);
                wrote = true;
            }

            List<OutboundMessage>? tooLarge = null;
            foreach (var message in batch)
            {
                var publish = CreatePublish(message, dup: false);
                if (_maximumPacketSizeToClient != uint.MaxValue && MqttPacketWriter.GetSize(publish, ProtocolVersion) > _maximumPacketSizeToClient)
                {
                    // Too large for the client: discard it and behave as if it had been sent [MQTT-3.1.2-24] [MQTT-3.1.2-25].
                    (tooLarge ??= []).Add(message);
                    continue;
                }

                if (message.QoS > MqttQualityOfService.AtMostOnce)
                {
                    _broker.SessionStore.MessageInflight(Session!.ClientId, message.PacketId);
                }

                MqttPacketWriter.Write(WithTopicAlias(publish, message.Message), ProtocolVersion, output);
                wrote = true;
            }

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

    /// <summary>Messages that expired in the queue or are too large for the client: counted as dropped.</summary>
    private async ValueTask ReportUndeliverableAsync(List<OutboundMessage>? tooLarge, List<OutboundMessage>? expired)
    {
        var session = Session!;
        if (tooLarge is not null)
        {
            foreach (var message in tooLarge)
            {
                if (message.QoS > MqttQualityOfService.AtMostOnce)
                {
                    session.Complete(message.PacketId, message.QoS);
                }

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

    private PublishPacket CreatePublish(OutboundMessage message, bool dup)
    {
        message.Sent = true;
        return new PublishPacket
        {
            Topic = message.Message.Topic,
            Payload = message.Message.Payload,
            QoS = message.QoS,
            Retain = message.Retain,
            // DUP is set only when re-delivering a QoS 1/2 PUBLISH [MQTT-3.3.1-1] [MQTT-3.3.1-2].
            Dup = dup && message.QoS > MqttQualityOfService.AtMostOnce,
            PacketId = message.PacketId,
            Properties = ProtocolVersion == MqttProtocolVersion.V500 ? OutboundProperties(message) : null,
        };
    }

    /// <summary>
    /// The MQTT 5.0 properties sent with one delivery: the publisher's, unchanged and in order [MQTT-3.3.2-15]
    /// [MQTT-3.3.2-17] [MQTT-3.3.2-20], plus this subscriber's subscription identifiers [MQTT-3.3.4-3] and the
    /// Message Expiry Interval minus the time spent in the broker [MQTT-3.3.2-6]. The shared properties are copied
    /// only when something per delivery must be added.
    /// </summary>
    private MqttProperties? OutboundProperties(OutboundMessage message)
    {
        var shared = message.Message.Properties;
        var remaining = message.Message.RemainingExpiry(Time);
        if (message.SubscriptionIds is null && remaining is null)
        {
            return shared;
        }

        return new MqttProperties
        {
            PayloadFormatIndicator = shared?.PayloadFormatIndicator,
            MessageExpiryInterval = remaining is { } left ? Math.Max(left, 1) : null,
            ContentType = shared?.ContentType,
            ResponseTopic = shared?.ResponseTopic,
            CorrelationData = shared?.CorrelationData,
            UserProperties = shared?.UserProperties,
            SubscriptionIdentifiers = message.SubscriptionIds,
        };
    }
}
