using Gmqtt.Protocol;

namespace Gmqtt.Storage;

/// <summary>One QoS 1/2 message in a session's outbox: queued (no packet identifier yet) or in flight.</summary>
/// <param name="Sequence">Its identity and send order, unique over all sessions.</param>
/// <param name="Message">The message body (shared with the other sessions it was queued for).</param>
/// <param name="QoS">The delivery QoS.</param>
/// <param name="Retain">The RETAIN flag to send.</param>
/// <param name="SubscriptionIds">MQTT 5.0 subscription identifiers to send with it.</param>
/// <param name="PacketId">The packet identifier it was sent with, or 0 while queued.</param>
/// <param name="Released">QoS 2: PUBREC arrived, so PUBREL (not PUBLISH) is owed.</param>
public sealed record MqttStoredOutboxEntry(
    long Sequence,
    MqttStoredMessage Message,
    MqttQualityOfService QoS,
    bool Retain,
    IReadOnlyList<uint>? SubscriptionIds,
    ushort PacketId,
    bool Released);
