using System.Globalization;
using Gmqtt.Protocol;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gmqtt.Storage.Sqlite;

/// <summary>
/// The embedded session store: one SQLite database in WAL mode, held exclusively by this process, written by the
/// broker's one writer in group commits. Message bodies are stored once (table <c>message</c>) and each session's
/// outbox entries refer to them; acknowledged entries and unreferenced bodies are deleted as they go, and SQLite
/// reuses the freed pages, so the file stays bounded by what is queued.
/// </summary>
public sealed partial class SqliteSessionStore : IMqttSessionStore, IMqttStorageProbe, IDisposable
{
    /// <summary>The schema this version writes; a database of a newer one is refused.</summary>
    public const int SchemaVersion = 1;

    private readonly SqliteStorageOptions _options;
    private readonly ILogger _logger;
    private SqliteConnection? _connection;
    private FileStream? _lock;
    private Commands? _commands;

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
        var commands = _commands ?? throw new InvalidOperationException("The store is not loaded.");
        using var transaction = _connection!.BeginTransaction();
        commands.Enlist(transaction);
        foreach (var change in changes)
        {
            commands.Apply(change);
        }

        transaction.Commit();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask ProbeAsync(CancellationToken cancellationToken)
    {
        // A connection of its own: the writer's is used by one thread at a time. WAL lets it read alongside.
        await using var probe = new SqliteConnection(ConnectionString(SqliteOpenMode.ReadOnly));
        await probe.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = probe.CreateCommand();
        command.CommandText = "SELECT count(*) FROM session";
        await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the database and releases the file.</summary>
    public void Dispose()
    {
        _commands?.Dispose();
        _commands = null;
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
            // WAL with NORMAL: a commit is in the log before it returns, so it survives the process; FULL also syncs
            // the log to the disk on each commit, so it survives the machine (sqlite.org/pragma.html#pragma_synchronous).
            Execute(_options.Durability == MqttStoreDurability.Fsync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
            Execute("PRAGMA journal_size_limit=67108864"); // The log is truncated back to 64 MiB after a checkpoint.
            Migrate();
            _commands = new Commands(connection);
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
            """
            CREATE TABLE session(client_id TEXT PRIMARY KEY, version INTEGER NOT NULL, expiry INTEGER NOT NULL, expires_at INTEGER,
                                 will BLOB, will_delay INTEGER NOT NULL, will_at INTEGER) WITHOUT ROWID;
            CREATE TABLE subscription(client_id TEXT NOT NULL, filter TEXT NOT NULL, qos INTEGER NOT NULL, no_local INTEGER NOT NULL,
                                      retain_as_published INTEGER NOT NULL, retain_handling INTEGER NOT NULL, subscription_id INTEGER,
                                      PRIMARY KEY(client_id, filter)) WITHOUT ROWID;
            CREATE TABLE message(id INTEGER PRIMARY KEY, body BLOB NOT NULL, expires_at INTEGER);
            CREATE TABLE outbox(seq INTEGER PRIMARY KEY, client_id TEXT NOT NULL, message_id INTEGER NOT NULL, qos INTEGER NOT NULL,
                                retain INTEGER NOT NULL, subscription_ids TEXT, packet_id INTEGER NOT NULL, released INTEGER NOT NULL);
            CREATE INDEX outbox_client ON outbox(client_id);
            CREATE TABLE inbound_qos2(client_id TEXT NOT NULL, packet_id INTEGER NOT NULL, PRIMARY KEY(client_id, packet_id)) WITHOUT ROWID;
            CREATE TABLE retained(topic TEXT PRIMARY KEY, body BLOB NOT NULL, expires_at INTEGER) WITHOUT ROWID;
            """,
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

    private MqttStoreSnapshot Read()
    {
        var retained = new List<MqttStoredMessage>();
        using (var command = Command("SELECT body, expires_at FROM retained"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                retained.Add(new MqttStoredMessage(0, MqttMessageCodec.Decode(reader.GetFieldValue<byte[]>(0)), Time(reader, 1)));
            }
        }

        var bodies = new Dictionary<long, MqttStoredMessage>();
        using (var command = Command("SELECT id, body, expires_at FROM message"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var id = reader.GetInt64(0);
                bodies[id] = new MqttStoredMessage(id, MqttMessageCodec.Decode(reader.GetFieldValue<byte[]>(1)), Time(reader, 2));
            }
        }

        var sessions = new Dictionary<string, Loading>(StringComparer.Ordinal);
        using (var command = Command("SELECT client_id, version, expiry, expires_at, will, will_delay, will_at FROM session"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var clientId = reader.GetString(0);
                sessions[clientId] = new Loading(new MqttStoredSession
                {
                    ClientId = clientId,
                    ProtocolVersion = (MqttProtocolVersion)reader.GetInt32(1),
                    ExpiryInterval = (uint)reader.GetInt64(2),
                    ExpiresAt = Time(reader, 3),
                    Will = reader.IsDBNull(4) ? null : MqttMessageCodec.Decode(reader.GetFieldValue<byte[]>(4)),
                    WillDelayInterval = (uint)reader.GetInt64(5),
                    WillAt = Time(reader, 6),
                });
            }
        }

        using (var command = Command("SELECT client_id, filter, qos, no_local, retain_as_published, retain_handling, subscription_id FROM subscription"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                if (sessions.TryGetValue(reader.GetString(0), out var session))
                {
                    session.Subscriptions.Add(new MqttStoredSubscription(
                        reader.GetString(1), (MqttQualityOfService)reader.GetInt32(2), reader.GetBoolean(3), reader.GetBoolean(4),
                        (MqttRetainHandling)reader.GetInt32(5), reader.IsDBNull(6) ? null : (uint)reader.GetInt64(6)));
                }
            }
        }

        var missing = 0;
        using (var command = Command("SELECT seq, client_id, message_id, qos, retain, subscription_ids, packet_id, released FROM outbox ORDER BY seq"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                if (!sessions.TryGetValue(reader.GetString(1), out var session))
                {
                    continue;
                }

                if (!bodies.TryGetValue(reader.GetInt64(2), out var body))
                {
                    missing++;
                    continue;
                }

                session.Outbox.Add(new MqttStoredOutboxEntry(
                    reader.GetInt64(0), body, (MqttQualityOfService)reader.GetInt32(3), reader.GetBoolean(4),
                    reader.IsDBNull(5) ? null : ParseIds(reader.GetString(5)), (ushort)reader.GetInt32(6), reader.GetBoolean(7)));
            }
        }

        if (missing > 0)
        {
            LogMissingBodies(_logger, FilePath, missing);
        }

        using (var command = Command("SELECT client_id, packet_id FROM inbound_qos2"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                if (sessions.TryGetValue(reader.GetString(0), out var session))
                {
                    session.InboundQoS2.Add((ushort)reader.GetInt32(1));
                }
            }
        }

        return new MqttStoreSnapshot
        {
            Sessions = [.. sessions.Values.Select(s => s.Session with { Subscriptions = s.Subscriptions, Outbox = s.Outbox, InboundQoS2 = s.InboundQoS2 })],
            RetainedMessages = retained,
        };
    }

    private sealed record Loading(MqttStoredSession Session)
    {
        public List<MqttStoredSubscription> Subscriptions { get; } = [];

        public List<MqttStoredOutboxEntry> Outbox { get; } = [];

        public List<ushort> InboundQoS2 { get; } = [];
    }

    private static DateTimeOffset? Time(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    private static uint[] ParseIds(string ids) =>
        [.. ids.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(id => uint.Parse(id, CultureInfo.InvariantCulture))];

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

    [LoggerMessage(401, LogLevel.Warning, "The session store {Path} had {Count} outbox entries whose message body is missing; they were skipped.")]
    private static partial void LogMissingBodies(ILogger logger, string path, int count);
}
