using Gmqtt.Protocol;

namespace Gmqtt.Storage;

/// <summary>A persistent session as stored: everything needed to resume it after a restart.</summary>
public sealed record MqttStoredSession
{
    /// <summary>The client identifier.</summary>
    public required string ClientId { get; init; }

    /// <summary>The protocol version of its last connection.</summary>
    public MqttProtocolVersion ProtocolVersion { get; init; }

    /// <summary>Session Expiry Interval in seconds; <see cref="uint.MaxValue"/> never expires.</summary>
    public uint ExpiryInterval { get; init; }

    /// <summary>
    /// When the offline session ends (absolute, so it survives a restart); <see langword="null"/> while it is online or
    /// when it never expires. A session stored as online was cut off by the crash: its expiry counts from the restart.
    /// </summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The will of its connection (MQTT 5.0 Will Delay Interval in <see cref="WillDelayInterval"/>), or <see langword="null"/>.</summary>
    public MqttApplicationMessage? Will { get; init; }

    /// <summary>Seconds to wait before the will is published after the connection is lost.</summary>
    public uint WillDelayInterval { get; init; }

    /// <summary>When a pending delayed will goes out; <see langword="null"/> while the client is online.</summary>
    public DateTimeOffset? WillAt { get; init; }

    /// <summary>The subscriptions.</summary>
    public IReadOnlyList<MqttStoredSubscription> Subscriptions { get; init; } = [];

    /// <summary>Queued and in-flight QoS 1/2 messages, in send order (<see cref="MqttStoredOutboxEntry.Sequence"/>).</summary>
    public IReadOnlyList<MqttStoredOutboxEntry> Outbox { get; init; } = [];

    /// <summary>Retained messages of its subscriptions not sent yet.</summary>
    public IReadOnlyList<MqttStoredRetainedStream> RetainedStreams { get; init; } = [];

    /// <summary>Inbound QoS 2 packet identifiers whose PUBREL has not arrived.</summary>
    public IReadOnlyList<ushort> InboundQoS2 { get; init; } = [];
}
