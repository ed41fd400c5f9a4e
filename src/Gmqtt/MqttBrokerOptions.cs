using System.ComponentModel.DataAnnotations;

namespace Gmqtt;

/// <summary>
/// Broker limits and behaviour, bound from the <c>Gmqtt</c> configuration section. Each default says why it
/// was chosen; out-of-range values fail start-up with a message naming the key.
/// </summary>
public sealed class MqttBrokerOptions : IValidatableObject
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Gmqtt";

    /// <summary>
    /// Largest packet accepted from a client, in bytes, fixed header included. Default 1 MiB: large enough for
    /// typical IoT payloads, small enough that a hostile peer cannot make the broker buffer hundreds of MB.
    /// Checked from the fixed header, before the body is buffered.
    /// </summary>
    [Range(16, 268_435_460)]
    public int MaxPacketSize { get; set; } = 1024 * 1024;

    /// <summary>
    /// Outbound QoS 1/2 messages per session sent and not yet acknowledged. Default 100: deep enough to keep a
    /// loopback link busy, small enough to bound what is re-sent after a reconnect. MQTT 5 clients may lower it
    /// with Receive Maximum.
    /// </summary>
    [Range(1, 65_535)]
    public int MaxInflightMessages { get; set; } = 100;

    /// <summary>
    /// Messages queued per session beyond the in-flight window (online or offline). Default 1000, as Mosquitto's
    /// <c>max_queued_messages</c>. What overflows is dropped by <see cref="QueueOverflowPolicy"/>, counted and
    /// reported to hooks; a full queue never blocks the publisher.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxQueuedMessages { get; set; } = 1000;

    /// <summary>Which message is dropped when a session's queue is full. Default: the new one (as Mosquitto).</summary>
    public MqttQueueOverflowPolicy QueueOverflowPolicy { get; set; } = MqttQueueOverflowPolicy.DropNewest;

    /// <summary>Whether QoS 0 messages are queued for offline persistent sessions. Default false, as Mosquitto.</summary>
    public bool QueueQoS0WhenOffline { get; set; }

    /// <summary>Time a new connection has to send CONNECT before it is closed. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Largest keep alive accepted, in seconds. Default 65535 (the protocol maximum: no limit). MQTT 3.x clients
    /// asking for more are refused (CONNACK 0x02, as Mosquitto); MQTT 5 clients are told the limit with Server Keep Alive.
    /// </summary>
    [Range(1, 65_535)]
    public int MaxKeepAlive { get; set; } = 65_535;

    /// <summary>Longest client identifier, in characters. Default 256: far above the 23 the standard guarantees, bounded for memory.</summary>
    [Range(23, 65_535)]
    public int MaxClientIdLength { get; set; } = 256;

    /// <summary>Most levels in a topic name or filter. Default 128 (Mosquitto's hard limit is 200).</summary>
    [Range(1, 65_535)]
    public int MaxTopicLevels { get; set; } = 128;

    /// <summary>Most subscriptions one session may hold. Default 1000; a SUBSCRIBE beyond it is refused per filter (0x80 / 0x97).</summary>
    [Range(1, 10_000_000)]
    public int MaxSubscriptionsPerClient { get; set; } = 1000;

    /// <summary>
    /// Overlapping subscriptions of one client: <see langword="true"/> (default) delivers one copy at the highest
    /// granted QoS; <see langword="false"/> delivers one copy per matching subscription. The standard allows both
    /// [MQTT-3.3.5-1].
    /// </summary>
    public bool DeliverOverlappingSubscriptionsOnce { get; set; } = true;

    /// <summary>
    /// MQTT 5.0 Receive Maximum the broker advertises: QoS 1/2 PUBLISH a client may have unacknowledged towards
    /// the broker. A client that exceeds it is disconnected with 0x93. Default 1000, well above what a client
    /// needs when the broker acknowledges at once.
    /// </summary>
    [Range(1, 65_535)]
    public int ReceiveMaximum { get; set; } = 1000;

    /// <summary>
    /// MQTT 5.0 Topic Alias Maximum the broker advertises (inbound aliases per connection); 0 turns inbound aliases
    /// off. Default 64: enough for a device's topics, a small bounded table per connection. It also caps the
    /// aliases the broker assigns towards a client (the lower of this and the client's own Topic Alias Maximum).
    /// </summary>
    [Range(0, 65_535)]
    public int TopicAliasMaximum { get; set; } = 64;

    /// <summary>
    /// Longest Session Expiry Interval granted, in seconds; longer requests are lowered (and the client told in
    /// CONNACK). Default <see cref="uint.MaxValue"/>: as long as the client asks (0xFFFFFFFF never expires).
    /// </summary>
    public uint MaxSessionExpiryInterval { get; set; } = uint.MaxValue;

    /// <summary>
    /// Session expiry for MQTT 3.x clients with Clean Session 0, which cannot say. Default
    /// <see cref="uint.MaxValue"/>: never, as the 3.1.1 standard expects.
    /// </summary>
    public uint V3SessionExpiryInterval { get; set; } = uint.MaxValue;

    /// <summary>Highest QoS accepted and granted; advertised to MQTT 5.0 clients as Maximum QoS. Default 2.</summary>
    public Gmqtt.Protocol.MqttQualityOfService MaximumQoS { get; set; } = Gmqtt.Protocol.MqttQualityOfService.ExactlyOnce;

    /// <summary>Whether retained messages are supported (advertised as Retain Available). Default true.</summary>
    public bool RetainAvailable { get; set; } = true;

    /// <summary>Whether wildcard subscriptions are allowed (advertised as Wildcard Subscription Available). Default true.</summary>
    public bool WildcardSubscriptionAvailable { get; set; } = true;

    /// <summary>Whether subscription identifiers are supported (advertised to MQTT 5.0 clients). Default true.</summary>
    public bool SubscriptionIdentifiersAvailable { get; set; } = true;

    /// <summary>Whether shared subscriptions (<c>$share/{group}/{filter}</c>) are supported. Default true.</summary>
    public bool SharedSubscriptionsAvailable { get; set; } = true;

    /// <summary>How a shared subscription group picks the member that gets a message. Default round robin.</summary>
    public MqttSharedSubscriptionStrategy SharedSubscriptionStrategy { get; set; } = MqttSharedSubscriptionStrategy.RoundRobin;

    /// <summary>
    /// Check that a payload marked UTF-8 (Payload Format Indicator 1) is valid UTF-8, refusing it with 0x99
    /// otherwise. Default false: the standard lets the broker skip the check, and it costs a pass over the payload.
    /// </summary>
    public bool ValidateUtf8Payloads { get; set; }

    /// <summary>Response Information sent in CONNACK to MQTT 5.0 clients that ask for it; null sends none.</summary>
    public string? ResponseInformation { get; set; }

    /// <summary>
    /// How often the broker publishes its <c>$SYS/broker/...</c> topics (retained, Mosquitto's names); zero turns
    /// them off. Default 10 s, as Mosquitto's <c>sys_interval</c>: fresh enough for a dashboard, about forty small
    /// retained messages per interval. When on, at least 1 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan SysInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Prefix of client identifiers the broker assigns to clients that send an empty one.</summary>
    [Required(AllowEmptyStrings = true)]
    public string AssignedClientIdPrefix { get; set; } = "gmqtt-";

    /// <summary>Rules that span what a single attribute can say; run by the data-annotations validation at start.</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (SysInterval > TimeSpan.Zero && SysInterval < TimeSpan.FromSeconds(1))
        {
            yield return new ValidationResult($"{nameof(SysInterval)} must be zero (off) or at least 1 second.", [nameof(SysInterval)]);
        }
    }
}
