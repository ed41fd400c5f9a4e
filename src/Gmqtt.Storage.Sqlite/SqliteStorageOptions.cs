using Gmqtt.Storage;

namespace Gmqtt.Storage.Sqlite;

/// <summary>Options of the SQLite session store (configuration section <c>Gmqtt:Storage</c> in the sample).</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>The database file; a relative path is taken from the application's content root. Its folder is created.</summary>
    public string Path { get; set; } = "data/gmqtt.db";

    /// <summary>
    /// <see cref="MqttStoreDurability.Commit"/> (default): acknowledged after the commit reached the write-ahead log, which
    /// survives a crash or kill -9 (<c>synchronous=NORMAL</c>). <see cref="MqttStoreDurability.Fsync"/>: also flushed to
    /// the disk, which survives a power loss (<c>synchronous=FULL</c>). <see cref="MqttStoreDurability.Periodic"/>:
    /// write-behind every <see cref="CommitInterval"/> without waiting — fastest, but a crash loses up to one interval
    /// of acknowledged messages.
    /// </summary>
    public MqttStoreDurability Durability { get; set; } = MqttStoreDurability.Commit;

    /// <summary>
    /// The log is compacted (replaced by the state it adds up to) once it holds four times what the last compaction
    /// wrote and at least this many bytes: the file stays near the size of what is stored. Default 16 MiB.
    /// </summary>
    public long CompactionMinimumBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>With <see cref="MqttStoreDurability.Periodic"/>, how often changes are committed.</summary>
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromSeconds(1);
}
