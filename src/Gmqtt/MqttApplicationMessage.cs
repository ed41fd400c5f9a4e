using Gmqtt.Protocol;

namespace Gmqtt;

/// <summary>An application message as the broker routes it: what a PUBLISH carries, without its packet details.</summary>
public sealed class MqttApplicationMessage
{
    /// <summary>The topic name.</summary>
    public required string Topic { get; set; }

    /// <summary>The payload. The broker never mutates it, so one copy is shared by every subscriber.</summary>
    public ReadOnlyMemory<byte> Payload { get; set; }

    /// <summary>The QoS it was published with.</summary>
    public MqttQualityOfService QoS { get; set; }

    /// <summary>Whether it was published with RETAIN set.</summary>
    public bool Retain { get; set; }

    /// <summary>MQTT 5.0 properties forwarded to subscribers, or <see langword="null"/>.</summary>
    public MqttProperties? Properties { get; set; }

    /// <summary>The client that published it, or <see langword="null"/> when it came from the server-side API.</summary>
    public string? SenderClientId { get; set; }

    /// <summary>Its identity in the session store while stored outbox entries refer to it (0 otherwise). Guarded by the message's lock.</summary>
    internal long StoreId { get; set; }

    /// <summary>Its stored form (with its encoding) while stored outbox entries refer to it. Guarded by the message's lock.</summary>
    internal Storage.MqttStoredMessage? Stored { get; set; }

    /// <summary>How many stored outbox entries refer to it; the body is removed from the store with the last. Guarded by the message's lock.</summary>
    internal int StoreReferences { get; set; }

    /// <summary>
    /// When its MQTT 5.0 Message Expiry Interval runs out, or <see langword="null"/> when it has none. The broker
    /// sets it from the interval, replacing any value given, when it receives the message (a client's PUBLISH,
    /// <see cref="MqttBroker.PublishAsync(MqttApplicationMessage, CancellationToken)"/>, a will); a retained message
    /// store sets it when it is handed a message with an interval but no expiry. An absolute time, so that a store
    /// that persists it keeps the expiry across a restart.
    /// </summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>
    /// Sets <see cref="ExpiresAt"/> to now plus the Message Expiry Interval: the message is received now. Without an
    /// interval there is no expiry (and the clock is not read).
    /// </summary>
    internal void StartExpiry(TimeProvider time) =>
        ExpiresAt = Properties?.MessageExpiryInterval is { } interval ? time.GetUtcNow().AddSeconds(interval) : null;

    /// <summary>
    /// The seconds left of its MQTT 5.0 Message Expiry Interval: <see langword="null"/> when it has none, 0 when it
    /// has expired. The value forwarded is the received one minus the time spent in the broker [MQTT-3.3.2-6]. A
    /// message with an interval that nobody gave an <see cref="ExpiresAt"/> counts as received now.
    /// </summary>
    internal uint? RemainingExpiry(TimeProvider time)
    {
        if (ExpiresAt is not { } expiresAt)
        {
            return Properties?.MessageExpiryInterval;
        }

        var left = (expiresAt - time.GetUtcNow()).TotalSeconds;
        return left <= 0 ? 0 : (uint)Math.Min(Math.Ceiling(left), uint.MaxValue);
    }
}
