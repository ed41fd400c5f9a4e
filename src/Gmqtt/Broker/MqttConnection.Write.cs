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
            while (await _writeSignal.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                _writeSignal.Reader.TryRead(out _);
                if (!await WriteRoundsAsync(output, batch).ConfigureAwait(false))
                {
                    return;
                }
            }

            // Closing: deliver what is still owed (a refusing CONNACK, a DISCONNECT with a reason).
            var wrote = false;
            while (_control.TryDequeue(out var packet))
            {
                MqttPacketWriter.Write(packet, ProtocolVersion, output);
                wrote = true;
            }

            if (wrote)
            {
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
            if (_messagesEnabled)
            {
                Session!.TakeSendable(batch, MaxWriteBatch);
            }

            var wrote = false;
            while (_control.TryDequeue(out var packet))
            {
                MqttPacketWriter.Write(packet, ProtocolVersion, output);
                wrote = true;
            }

            foreach (var message in batch)
            {
                if (message.QoS > MqttQualityOfService.AtMostOnce)
                {
                    _broker.SessionStore.MessageInflight(Session!.ClientId, message.PacketId);
                }

                MqttPacketWriter.Write(WithTopicAlias(CreatePublish(message, dup: false), message.Message), ProtocolVersion, output);
                wrote = true;
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
            Properties = ProtocolVersion == MqttProtocolVersion.V500 ? message.Message.Properties : null,
        };
    }
}
