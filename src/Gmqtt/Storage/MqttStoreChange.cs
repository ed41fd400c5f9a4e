using Gmqtt.Protocol;

namespace Gmqtt.Storage;

/// <summary>
/// One change to stored state, as the broker hands it to <see cref="IMqttSessionStore.CommitAsync"/>. The derived
/// records are the complete list; a store applies each in order.
/// </summary>
public abstract record MqttStoreChange
{
    private protected MqttStoreChange()
    {
    }

    /// <summary>A session was created or changed (connected, disconnected, expiry or will changed): replace it, keeping its subscriptions and outbox.</summary>
    public sealed record SessionSaved(MqttStoredSession Session) : MqttStoreChange;

    /// <summary>A session ended: remove it with its subscriptions, outbox entries and inbound identifiers.</summary>
    public sealed record SessionRemoved(string ClientId) : MqttStoreChange;

    /// <summary>A subscription was added or replaced.</summary>
    public sealed record SubscriptionSaved(string ClientId, MqttStoredSubscription Subscription) : MqttStoreChange;

    /// <summary>A subscription was removed.</summary>
    public sealed record SubscriptionRemoved(string ClientId, string Filter) : MqttStoreChange;

    /// <summary>A message body that outbox entries will refer to.</summary>
    public sealed record MessageSaved(MqttStoredMessage Message) : MqttStoreChange;

    /// <summary>No outbox entry refers to the message any more.</summary>
    public sealed record MessageRemoved(long MessageId) : MqttStoreChange;

    /// <summary>An outbox entry was queued, or its state changed (sent with a packet identifier, PUBREC received): replace it.</summary>
    public sealed record OutboxEntrySaved(string ClientId, MqttStoredOutboxEntry Entry) : MqttStoreChange
    {
        /// <summary>The live entry, released for sending once this change is committed.</summary>
        internal Broker.OutboundMessage? Live { get; init; }

        /// <summary>The outbox of <see cref="Live"/>.</summary>
        internal Broker.Outbox? LiveOutbox { get; init; }
    }

    /// <summary>An outbox entry is done: acknowledged, dropped, expired or re-offered to another session.</summary>
    public sealed record OutboxEntryRemoved(string ClientId, long Sequence) : MqttStoreChange;

    /// <summary>An inbound QoS 2 identifier was recorded (PUBREC sent) or released (PUBREL received).</summary>
    public sealed record InboundQoS2Changed(string ClientId, ushort PacketId, bool Pending) : MqttStoreChange;

    /// <summary>A subscription's pending retained messages were added or moved on (replace the one of its filter).</summary>
    public sealed record RetainedStreamSaved(string ClientId, MqttStoredRetainedStream Stream) : MqttStoreChange
    {
        /// <summary>A new live stream, started once this change is committed.</summary>
        internal Broker.RetainedStream? Live { get; init; }

        /// <summary>The outbox of <see cref="Live"/>.</summary>
        internal Broker.Outbox? LiveOutbox { get; init; }
    }

    /// <summary>A subscription's retained messages were all taken, or cancelled.</summary>
    public sealed record RetainedStreamRemoved(string ClientId, string Filter) : MqttStoreChange;

    /// <summary>A retained message replaced any other on its topic.</summary>
    public sealed record RetainedSaved(MqttStoredMessage Message) : MqttStoreChange;

    /// <summary>The retained message of a topic was cleared.</summary>
    public sealed record RetainedRemoved(string Topic) : MqttStoreChange;
}
