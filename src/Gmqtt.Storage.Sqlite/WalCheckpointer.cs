using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Gmqtt.Storage.Sqlite;

/// <summary>
/// Copies the write-ahead log back into the database on a connection and thread of its own, so that the broker's
/// writer — whose every commit some acknowledgement waits for — does not do it. A checkpoint reads thousands of pages
/// and syncs both files, which takes milliseconds; done by the writer, it stalled every acknowledgement behind it. Here
/// it runs beside the commits (a passive checkpoint takes no lock a writer needs). SQLite can only start the log over
/// once every frame is copied, which a checkpointer racing a busy writer rarely sees, so the writer keeps its own
/// automatic checkpoint at <see cref="WriterCheckpointPages"/> as the bound of the log: by then this one has copied
/// almost everything, and the writer's pass is short.
/// </summary>
internal sealed partial class WalCheckpointer : IDisposable
{
    /// <summary>The writer's own automatic checkpoint (pages): bounds the log at about 32 MiB.</summary>
    public const int WriterCheckpointPages = 8192;

    /// <summary>Bytes committed between two background checkpoints (about a thousand pages).</summary>
    private const long BytesPerCheckpoint = 4 * 1024 * 1024;

    private readonly string _connectionString;
    private readonly string _synchronous;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _due = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private long _sinceLast;

    public WalCheckpointer(string connectionString, string synchronous, ILogger logger)
    {
        _connectionString = connectionString;
        _synchronous = synchronous;
        _logger = logger;
        _thread = new Thread(Run) { IsBackground = true, Name = "Gmqtt SQLite checkpoint" };
        _thread.Start();
    }

    /// <summary>The writer committed <paramref name="bytes"/>: a checkpoint is due after every few MiB.</summary>
    public void Committed(long bytes)
    {
        _sinceLast += bytes;
        if (_sinceLast >= BytesPerCheckpoint)
        {
            _sinceLast = 0;
            if (_due.CurrentCount == 0)
            {
                _due.Release();
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
        _due.Dispose();
    }

    private void Run()
    {
        try
        {
            using var connection = new SqliteConnection(_connectionString);
            connection.Open();
            using (var synchronous = connection.CreateCommand())
            {
                // A checkpoint syncs as its connection's setting says: the same as the writer's.
                synchronous.CommandText = $"PRAGMA synchronous={_synchronous}";
                synchronous.ExecuteNonQuery();
            }

            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            while (true)
            {
                _due.Wait(_stop.Token);
                try
                {
                    checkpoint.ExecuteNonQuery();
                }
                catch (SqliteException e)
                {
                    // Not fatal: the writer's own checkpoint still bounds the log.
                    LogCheckpointFailed(_logger, e);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SqliteException e)
        {
            LogCheckpointFailed(_logger, e);
        }
    }

    [LoggerMessage(402, LogLevel.Warning, "A background checkpoint of the session store failed; the writer's own checkpoints go on.")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception);
}
