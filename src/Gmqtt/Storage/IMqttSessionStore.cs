namespace Gmqtt.Storage;

/// <summary>
/// Where sessions, their queued and in-flight messages, inbound QoS 2 identifiers and retained messages are kept so
/// that they outlive the process (or, for a shared store, the node). The broker keeps live state in memory, loads
/// everything from the store once at start (<see cref="LoadAsync"/>), and tells it every change afterwards through
/// one writer that commits in groups (<see cref="CommitAsync"/>). The MQTT rules (windows, takeover, expiry, wills)
/// stay in the broker; a store only records what it is told.
/// </summary>
/// <remarks>
/// The broker calls <see cref="CommitAsync"/> from one loop at a time, never concurrently, with the changes in the
/// order they happened. With <see cref="MqttStoreDurability.Commit"/> or <see cref="MqttStoreDurability.Fsync"/>, a
/// publisher's PUBACK or PUBREC is sent only after the batch holding its message has been committed.
/// </remarks>
public interface IMqttSessionStore
{
    /// <summary>What a completed <see cref="CommitAsync"/> guarantees; <see cref="MqttStoreDurability.None"/> for a store that keeps nothing.</summary>
    MqttStoreDurability Durability { get; }

    /// <summary>With <see cref="MqttStoreDurability.Periodic"/>, how long the broker gathers changes between commits.</summary>
    TimeSpan CommitInterval { get; }

    /// <summary>Reads everything stored. Throws when the storage cannot be read: the broker must not start empty over it.</summary>
    ValueTask<MqttStoreSnapshot> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Applies <paramref name="changes"/>, in order, as one unit; completes when they are as durable as <see cref="Durability"/> says.</summary>
    ValueTask CommitAsync(IReadOnlyList<MqttStoreChange> changes, CancellationToken cancellationToken);
}
