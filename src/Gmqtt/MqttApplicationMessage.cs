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

    /// <summary>How many stored outbox entries refer to it; the body is removed from the store with the last. Guarded by the message's lock.</summary>
    internal int StoreReferences { get; set; }

    /// <summary>When the broker received it (<see cref="TimeProvider.GetTimestamp"/>), for the Message Expiry Interval.</summary>
    internal long ReceivedTimestamp { get; set; }

    /// <summary>
    /// The seconds left of its MQTT 5.0 Message Expiry Interval: <see langword="null"/> when it has none, 0 when it
    /// has expired. The value forwarded is the received one minus the time spent in the broker [MQTT-3.3.2-6].
    /// </summary>
    internal uint? RemainingExpiry(TimeProvider time)
    {
        if (Properties?.MessageExpiryInterval is not { } interval)
        {
            return null;
        }

        var waited = time.GetElapsedTime(ReceivedTimestamp).TotalSeconds;
        return waited >= interval ? 0 : (uint)Math.Ceiling(interval - waited);
    }
}
