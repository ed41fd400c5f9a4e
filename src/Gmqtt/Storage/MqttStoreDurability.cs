namespace Gmqtt.Storage;

/// <summary>What a session store's commit survives, and so when the broker may acknowledge a message.</summary>
public enum MqttStoreDurability
{
    /// <summary>Nothing is kept: the broker writes nothing and acknowledges at once (the in-memory store).</summary>
    None,

    /// <summary>
    /// Write-behind: changes are committed every <see cref="IMqttSessionStore.CommitInterval"/> and acknowledgements do
    /// not wait for them. Fastest; a crash loses up to one interval of acknowledged messages.
    /// </summary>
    Periodic,

    /// <summary>Acknowledged after the commit reached the store's log: survives a crash or kill of the process.</summary>
    Commit,

    /// <summary>Acknowledged after the commit was flushed to the disk: also survives a power loss.</summary>
    Fsync,
}
