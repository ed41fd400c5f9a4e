using Gmqtt.Protocol;

namespace Gmqtt.Broker;

/// <summary>
/// A message waiting in a session's queue or in flight to its client. A QoS 0 instance without subscription
/// identifiers may be queued for many sessions at once (routing makes one per message, see <c>MqttRouter.Route</c>):
/// only QoS 1/2 instances, which belong to one session, are ever changed after routing.
/// </summary>
internal sealed class OutboundMessage(MqttApplicationMessage message, MqttQualityOfService qos, bool retain, List<uint>? subscriptionIds)
{
    public MqttApplicationMessage Message { get; } = message;

    /// <summary>The delivery QoS: the lower of the published QoS and the subscription's.</summary>
    public MqttQualityOfService QoS { get; } = qos;

    /// <summary>The RETAIN flag to send (set for retained messages sent on subscribe).</summary>
    public bool Retain { get; } = retain;

    /// <summary>MQTT 5.0 subscription identifiers of the matching subscriptions; shared, never changed.</summary>
    public List<uint>? SubscriptionIds { get; } = subscriptionIds;

    /// <summary>Assigned when the message enters the in-flight window.</summary>
    public ushort PacketId { get; set; }

    /// <summary>Send order, so that a reconnect re-sends in the original order [MQTT-4.6.0-1].</summary>
    public long Sequence { get; set; }

    /// <summary>QoS 2: PUBREC arrived, so PUBREL (not PUBLISH) is what is re-sent.</summary>
    public bool Released { get; set; }

    /// <summary>Sent before, so a re-send carries DUP=1 [MQTT-3.3.1-1]. Only set for QoS 1/2.</summary>
    public bool Sent { get; set; }

    /// <summary>
    /// Written to the session store and not yet committed: not sent until it is, so that nothing leaves the broker
    /// that a crash could then lose or deliver twice. Set and cleared under the session's lock.
    /// </summary>
    public bool AwaitingCommit { get; set; }

    /// <summary>The shared subscription group it was routed for, so that it can be re-offered to the group.</summary>
    public Subscriptions.SharedSubscriptionGroup? SharedGroup { get; init; }
}
