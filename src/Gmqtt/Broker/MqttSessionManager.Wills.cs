using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Broker;

/// <summary>
/// Wills: published when a connection closes without a normal DISCONNECT, or after the MQTT 5.0 Will Delay Interval
/// (at the latest when the session ends), through the router as any message, after the will hooks.
/// </summary>
internal sealed partial class MqttSessionManager
{
    /// <summary>Timer callbacks, made once: a delayed will is due (<see cref="PublishPendingWillAsync"/>).</summary>
    private Action<MqttSession> PublishWill => field ??= session => background.Track(PublishPendingWillAsync(session));

    /// <summary>Publishes the session's delayed will, if it still has one: its delay passed, or the session ends.</summary>
    private async Task PublishPendingWillAsync(MqttSession session)
    {
        if (session.TakePendingWill() is { } will)
        {
            lock (session.Gate)
            {
                SaveSession(session, will: null, 0, willAt: null); // Published: never again after a restart.
            }

            await PublishWillAsync(will.Client, will.Message).ConfigureAwait(false);
        }
    }

    private static uint WillDelay(MqttProtocolVersion version, MqttWill? will) =>
        version == MqttProtocolVersion.V500 ? will?.Properties?.WillDelayInterval ?? 0 : 0;

    /// <summary>
    /// The will as a message, with its properties except Will Delay Interval (MQTT 5.0 section 3.1.3.2).
    /// </summary>
    private MqttApplicationMessage CreateWillMessage(MqttClientInfo client, MqttWill will) => new()
    {
        Topic = will.Topic,
        Payload = will.Payload,
        QoS = will.QoS,
        Retain = will.Retain,
        Properties = will.Properties is { } p
            ? new MqttProperties
            {
                PayloadFormatIndicator = p.PayloadFormatIndicator,
                MessageExpiryInterval = p.MessageExpiryInterval,
                ContentType = p.ContentType,
                ResponseTopic = p.ResponseTopic,
                CorrelationData = p.CorrelationData,
                UserProperties = p.UserProperties,
            }
            : null,
        SenderClientId = client.ClientId,
    };

    /// <summary>
    /// The will goes out when the connection closes without a normal DISCONNECT [MQTT-3.1.2-8], with its QoS and
    /// retain flag [MQTT-3.1.2-14] [MQTT-3.1.2-17] (3.1.1 numbering differs), after the will hook.
    /// </summary>
    private async Task PublishWillAsync(MqttClientInfo client, MqttApplicationMessage message)
    {
        if (hooks.HasHooks)
        {
            var context = new MqttWillContext { Client = client, Message = message };
            await hooks.OnWillPublishAsync(context).ConfigureAwait(false);
            if (context.Suppress)
            {
                return;
            }
        }

        await router.PublishAsync(message, client).ConfigureAwait(false);
    }
}
