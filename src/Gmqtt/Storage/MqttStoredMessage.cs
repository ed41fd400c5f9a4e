namespace Gmqtt.Storage;

/// <summary>
/// A message body as stored: once, however many sessions it was queued for. <see cref="Id"/> is the broker's identity
/// for it; outbox entries refer to it.
/// </summary>
/// <param name="Id">The identity; unique among the stored messages (retained messages use 0).</param>
/// <param name="Message">The message.</param>
/// <param name="ExpiresAt">When its MQTT 5.0 Message Expiry Interval ends (absolute), or <see langword="null"/>.</param>
public sealed record MqttStoredMessage(long Id, MqttApplicationMessage Message, DateTimeOffset? ExpiresAt)
{
    /// <summary>
    /// <see cref="Message"/> as <see cref="MqttMessageCodec"/> encodes it, when the broker encoded it already (on the
    /// publisher's thread, so the store's one writer does not have to); empty otherwise.
    /// </summary>
    public ReadOnlyMemory<byte> Encoded { get; init; }
}
