namespace Gmqtt.Storage;

/// <summary>Everything a store holds, as <see cref="IMqttSessionStore.LoadAsync"/> returns it at start.</summary>
public sealed class MqttStoreSnapshot
{
    /// <summary>A snapshot with nothing in it.</summary>
    public static MqttStoreSnapshot Empty { get; } = new();

    /// <summary>The persistent sessions, each with its subscriptions, outbox and inbound QoS 2 identifiers.</summary>
    public IReadOnlyList<MqttStoredSession> Sessions { get; init; } = [];

    /// <summary>The retained messages, one per topic.</summary>
    public IReadOnlyList<MqttStoredMessage> RetainedMessages { get; init; } = [];
}
