namespace Gmqtt.Storage;

/// <summary>
/// Implemented by a store (<see cref="IMqttRetainedMessageStore"/>, <see cref="IMqttSessionStore"/>) that can tell
/// whether its backing storage works, for health checks: a durable or shared store pings its database.
/// </summary>
public interface IMqttStorageProbe
{
    /// <summary>Checks the storage; throws when it does not work.</summary>
    ValueTask ProbeAsync(CancellationToken cancellationToken);
}
