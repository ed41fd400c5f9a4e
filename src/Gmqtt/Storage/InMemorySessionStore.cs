namespace Gmqtt.Storage;

/// <summary>The default session store: sessions live only in the broker's memory, so nothing is written or loaded.</summary>
public sealed class InMemorySessionStore : IMqttSessionStore
{
    /// <inheritdoc />
    public MqttStoreDurability Durability => MqttStoreDurability.None;

    /// <inheritdoc />
    public TimeSpan CommitInterval => TimeSpan.Zero;

    /// <inheritdoc />
    public ValueTask<MqttStoreSnapshot> LoadAsync(CancellationToken cancellationToken) => ValueTask.FromResult(MqttStoreSnapshot.Empty);

    /// <inheritdoc />
    public ValueTask CommitAsync(IReadOnlyList<MqttStoreChange> changes, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
