using System.Buffers;
using System.Globalization;
using Gmqtt.Protocol;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gmqtt.Storage.Sqlite;

/// <summary>
/// The embedded session store: one SQLite database in WAL mode, held exclusively by this process, written by the
/// broker's one writer in group commits. It is a log: each commit appends one row holding all of its changes in a
/// compact binary form (<see cref="ChangeLog"/>), so a commit of thousands of changes costs one insert rather than
/// thousands of row updates. The store keeps what the log adds up to (<see cref="StoredState"/>); once the log has
/// grown well past it, one transaction replaces the log with that state, and SQLite reuses the freed pages — the file
/// is bounded by what is stored, not by what went through. Message bodies are logged once however many sessions refer
/// to them.
/// </summary>
public sealed partial class SqliteSessionStore : IMqttSessionStore, IMqttStorageProbe, IDisposable
{
    /// <summary>The schema this version writes; a database of a newer one is refused.</summary>
    public const int SchemaVersion = 2;

    private readonly SqliteStorageOptions _options;
    private readonly ILogger _logger;
    private SqliteConnection? _connection;
    private FileStream? _lock;
    private readonly StoredState _state = new();
    private readonly BatchCoalescer _coalescer = new();
    private readonly ChangeLog _log = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private SqliteCommand? _append;
    private WalCheckpointer? _checkpointer;
    private long _logBytes;
    private long _compactedBytes;

    /// <summary>Creates the store; the database is opened by <see cref="LoadAsync"/>.</summary>
    public SqliteSessionStore(IOptions<SqliteStorageOptions> options, ILogger<SqliteSessionStore> logger, IHostEnvironment? environment = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = logger;
        FilePath = System.IO.Path.GetFullPath(_options.Path, environment?.ContentRootPath ?? AppContext.BaseDirectory);
    }

    /// <summary>The database file.</summary>
    public string FilePath { get; }

    /// <inheritdoc />
    public MqttStoreDurability Durability => _options.Durability;

    /// <inheritdoc />
    public TimeSpan CommitInterval => _options.CommitInterval;

    /// <inheritdoc />
    public ValueTask<MqttStoreSnapshot> LoadAsync(CancellationToken cancellationToken)
    {
        Open();
        try
        {
            return ValueTask.FromResult(Read());
        }
        catch (Exception e) when (e is SqliteException or InvalidDataException or MqttProtocolException)
        {
            throw Unreadable(e.Message, e);
        }
    }

    /// <inheritdoc />
    public ValueTask CommitAsync(IReadOnlyList<MqttStoreChange> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var append = _append ?? throw new InvalidOperationException("The store is not loaded.");
        _buffer.ResetWrittenCount();
        var cancelled = _coalescer.Cancelled(changes, _state);
        for (var i = 0; i < changes.Count; i++)
        {
            if (!cancelled[i])
            {
                _log.Write(_buffer, changes[i]);
            }
        }

        // One row per commit; SQLite's own transaction around the single statement is the commit. A batch whose changes
        // all cancel out (a message delivered and acknowledged before its commit) writes nothing.
        if (_buffer.WrittenCount > 0)
        {
            append.Parameters[0].Value = _buffer.WrittenMemory.ToArray();
            try
            {
                append.ExecuteNonQuery();
            }
            catch
            {
                _log.Abandoned(); // Not stored: the client numbers it defined are not in the log.
                throw;
            }

            _log.Committed();
            _logBytes += _buffer.WrittenCount;
            _checkpointer?.Committed(_buffer.WrittenCount);
        }

        // What cancelled out changes nothing stored either: only the rest is applied.
        for (var i = 0; i < changes.Count; i++)
        {
            if (!cancelled[i])
            {
                _state.Apply(changes[i]);
            }
        }

        if (_logBytes > CompactionThreshold)
        {
            Compact();
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask ProbeAsync(CancellationToken cancellationToken)
    {
        // A connection of its own: the writer's is used by one thread at a time. WAL lets it read alongside.
        await using var probe = new SqliteConnection(ConnectionString(SqliteOpenMode.ReadOnly));
        await probe.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = probe.CreateCommand();
        command.CommandText = "SELECT id FROM log LIMIT 1";
        await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the database and releases the file.</summary>
    public void Dispose()
    {
        _checkpointer?.Dispose();
        _checkpointer = null;
        _append?.Dispose();
        _append = null;
        _connection?.Dispose();
        _connection = null;
        _lock?.Dispose();
        _lock = null;
    }

    private string ConnectionString(SqliteOpenMode mode) => new SqliteConnectionStringBuilder
    {
        DataSource = FilePath,
        Mode = mode,
        Pooling = false, // One long-lived connection; a pooled one would keep the file open after Dispose.
    }.ToString();

    private void Open()
    {
        if (_connection is not null)
        {
            return;
        }

        var directory = System.IO.Path.GetDirectoryName(FilePath)!;
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"The session store's folder {directory} cannot be created: {e.Message}. Set Gmqtt:Storage:Path to a writable location.", e);
        }

        AcquireLock();
        try
        {
            var connection = new SqliteConnection(ConnectionString(SqliteOpenMode.ReadWriteCreate));
            connection.Open();
            _connection = connection;
            Execute("PRAGMA journal_mode=WAL");
            Execute($"PRAGMA synchronous={Synchronous}");
            Execute("PRAGMA journal_size_limit=67108864"); // The log is truncated back to 64 MiB after a checkpoint.
            Execute($"PRAGMA wal_autocheckpoint={WalCheckpointer.WriterCheckpointPages}");
            Migrate();
        }
        catch (SqliteException e)
        {
            Dispose();
            throw Unreadable(e.Message, e);
        }
        catch
        {
            Dispose();
            throw;
        }

        if (_options.Durability == MqttStoreDurability.Periodic)
        {
            LogPeriodic(_logger, FilePath, _options.CommitInterval.TotalSeconds);
        }
    }

    /// <summary>
    /// WAL with NORMAL: a commit is in the log before it returns, so it survives the process; FULL also syncs the log to
    /// the disk on each commit, so it survives the machine (sqlite.org/pragma.html#pragma_synchronous).
    /// </summary>
    private string Synchronous => _options.Durability == MqttStoreDurability.Fsync ? "FULL" : "NORMAL";

    /// <summary>One process per file: a second broker over the same database would corrupt what the first one serves.</summary>
    private void AcquireLock()
    {
        var lockPath = FilePath + ".lock";
        try
        {
            _lock = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            var owner = "another process";
            try
            {
                owner = File.ReadAllText(lockPath + ".owner").Trim();
            }
            catch (IOException)
            {
            }

            throw new InvalidOperationException(
                $"The session store {FilePath} is in use by {owner}. Stop that broker, or point this one at another file (Gmqtt:Storage:Path).", e);
        }

        File.WriteAllText(lockPath + ".owner", $"process {Environment.ProcessId} on {Environment.MachineName}, since {DateTimeOffset.UtcNow:O}");
    }

    private Exception Unreadable(string why, Exception inner) => new InvalidOperationException(
        $"The session store {FilePath} cannot be read: {why}. The broker does not start over it, so nothing stored is lost: " +
        "restore the file from a backup, or move it (with its -wal file) away to start with an empty store.", inner);

    private void Migrate()
    {
        var version = Convert.ToInt32(Scalar("PRAGMA user_version"), CultureInfo.InvariantCulture);
        if (version > SchemaVersion)
        {
            throw new InvalidOperationException(
                $"The session store {FilePath} has schema version {version}, written by a newer Gmqtt; this one knows up to {SchemaVersion}. " +
                "Run the newer version, or restore a backup made by this one.");
        }

        // Each step takes the schema from its number to the next, in one transaction with the version it writes.
        string[] migrations =
        [
            // The log: kind 0 holds one commit's changes, kind 1 a part of a compaction's state. Replayed in id order.
            "CREATE TABLE log(id INTEGER PRIMARY KEY, kind INTEGER NOT NULL, data BLOB NOT NULL);",
            // 2: short outbox records (sessions by number, removals by sequence); the table is unchanged, and version 1
            // records are still read. A version-1 broker refuses the file rather than misread it.
            "",
        ];
        for (; version < SchemaVersion; version++)
        {
            using var transaction = _connection!.BeginTransaction();
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"{migrations[version]}\nPRAGMA user_version={version + 1};";
            command.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    /// <summary>Replays the log into the stored state, then prepares the append.</summary>
    private MqttStoreSnapshot Read()
    {
        using (var command = Command("SELECT data FROM log ORDER BY id"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var data = reader.GetFieldValue<byte[]>(0);
                _logBytes += data.Length;
                foreach (var change in _log.Read(data, _state.Message, _state.EntryOwner))
                {
                    _state.Apply(change);
                }
            }
        }

        _log.ContinueAfterRead();

        _append = Command("INSERT INTO log(kind, data) VALUES(0, $data)");
        _append.Parameters.Add(new SqliteParameter("$data", SqliteType.Blob));
        _checkpointer = new WalCheckpointer(ConnectionString(SqliteOpenMode.ReadWrite), Synchronous, _logger);
        return _state.ToSnapshot();
    }

    /// <summary>Compact once the log holds four times what a compaction writes, and at least the option's minimum.</summary>
    private long CompactionThreshold => Math.Max(_options.CompactionMinimumBytes, 4 * _compactedBytes);

    /// <summary>
    /// Replaces the log with the state it adds up to, in one transaction: a crash during it leaves the old log, and
    /// after it the log holds exactly what is stored. Runs on the broker's writer, between two commits.
    /// </summary>
    private void Compact()
    {
        var numbers = _log.StartNew(); // The new log defines its own client numbers.
        try
        {
            using var transaction = _connection!.BeginTransaction();
            using (var clear = Command("DELETE FROM log"))
            {
                clear.Transaction = transaction;
                clear.ExecuteNonQuery();
            }

            using var insert = Command("INSERT INTO log(kind, data) VALUES(1, $data)");
            insert.Transaction = transaction;
            var data = insert.Parameters.Add(new SqliteParameter("$data", SqliteType.Blob));
            long written = 0;
            _buffer.ResetWrittenCount();
            foreach (var change in _state.AsChanges())
            {
                _log.Write(_buffer, change);
                if (_buffer.WrittenCount >= 1024 * 1024)
                {
                    written += Flush(insert, data);
                }
            }

            written += Flush(insert, data);
            transaction.Commit();
            _log.Committed();
            _compactedBytes = written;
            _logBytes = written;
            LogCompacted(_logger, FilePath, _state.Count, written);
        }
        catch
        {
            _log.Restore(numbers); // Rolled back: the old log and its numbers stand.
            throw;
        }

        long Flush(SqliteCommand insert, SqliteParameter data)
        {
            var count = _buffer.WrittenCount;
            if (count > 0)
            {
                data.Value = _buffer.WrittenMemory.ToArray();
                insert.ExecuteNonQuery();
                _buffer.ResetWrittenCount();
            }

            return count;
        }
    }

    private SqliteCommand Command(string sql)
    {
        var command = _connection!.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    private void Execute(string sql)
    {
        using var command = Command(sql);
        command.ExecuteNonQuery();
    }

    private object? Scalar(string sql)
    {
        using var command = Command(sql);
        return command.ExecuteScalar();
    }

    [LoggerMessage(400, LogLevel.Warning, "The session store {Path} commits every {Seconds} s without waiting (Durability Periodic): a crash loses up to that much of what was acknowledged.")]
    private static partial void LogPeriodic(ILogger logger, string path, double seconds);

    [LoggerMessage(401, LogLevel.Information, "The session store {Path} compacted its log: {Records} records in {Bytes} bytes.")]
    private static partial void LogCompacted(ILogger logger, string path, long records, long bytes);
}
