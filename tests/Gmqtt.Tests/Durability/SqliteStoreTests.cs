using Gmqtt.Storage;
using Gmqtt.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gmqtt.Tests.Durability;

/// <summary>The SQLite file itself: never started silently empty over a file it could not read, and one broker per file.</summary>
public sealed class SqliteStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gmqtt-sqlite-").FullName;

    private string DatabasePath => Path.Combine(_directory, "sub", "gmqtt.db");

    private SqliteSessionStore Store() => new(
        Microsoft.Extensions.Options.Options.Create(new SqliteStorageOptions { Path = DatabasePath }),
        NullLogger<SqliteSessionStore>.Instance);

    [Fact]
    public async Task A_new_store_creates_its_folder_and_loads_empty()
    {
        using var store = Store();
        var snapshot = await store.LoadAsync(CancellationToken.None);
        Assert.Empty(snapshot.Sessions);
        Assert.True(File.Exists(DatabasePath));
    }

    [Fact]
    public async Task The_health_probe_reads_the_file_and_fails_when_it_is_gone()
    {
        using var store = Store();
        await store.LoadAsync(CancellationToken.None);
        await store.ProbeAsync(CancellationToken.None);

        store.Dispose();
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(DatabasePath)!))
        {
            File.Delete(file);
        }

        await Assert.ThrowsAsync<SqliteException>(() => store.ProbeAsync(CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task Changes_that_cancel_out_in_one_commit_are_not_written_and_a_removal_of_what_is_on_disk_is()
    {
        using var store = Store();
        await store.LoadAsync(CancellationToken.None);
        var session = new MqttStoreChange.SessionSaved(new MqttStoredSession { ClientId = "c", ExpiryInterval = 60 });
        MqttStoredMessage Body(long id) => new(id, new MqttApplicationMessage { Topic = "t", Payload = "x"u8.ToArray(), QoS = Protocol.MqttQualityOfService.AtLeastOnce }, null);
        MqttStoreChange.OutboxEntrySaved Entry(long sequence, long id) => new("c", new MqttStoredOutboxEntry(sequence, Body(id), Protocol.MqttQualityOfService.AtLeastOnce, false, null, 0, false));
        await store.CommitAsync([session], CancellationToken.None);
        var rows = LogRows();

        // Delivered and acknowledged before its commit: nothing of it reaches the file.
        await store.CommitAsync([new MqttStoreChange.MessageSaved(Body(1)), Entry(1, 1), new MqttStoreChange.OutboxEntryRemoved("c", 1), new MqttStoreChange.MessageRemoved(1)], CancellationToken.None);
        Assert.Equal(rows, LogRows());

        // Committed first, removed later (with an update in between): the removal is written.
        await store.CommitAsync([new MqttStoreChange.MessageSaved(Body(2)), Entry(2, 2)], CancellationToken.None);
        await store.CommitAsync([Entry(2, 2), new MqttStoreChange.OutboxEntryRemoved("c", 2), new MqttStoreChange.MessageRemoved(2)], CancellationToken.None);
        Assert.Equal(rows + 2, LogRows());
        await store.CommitAsync([new MqttStoreChange.MessageSaved(Body(3)), Entry(3, 3)], CancellationToken.None);
        store.Dispose();

        using var reopened = Store();
        var stored = Assert.Single((await reopened.LoadAsync(CancellationToken.None)).Sessions);
        Assert.Equal(3, Assert.Single(stored.Outbox).Sequence); // 1 never written, 2 written and removed, 3 kept
    }

    private long LogRows()
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM log";
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task A_second_store_over_the_same_file_refuses_and_names_the_process_that_holds_it()
    {
        using var first = Store();
        await first.LoadAsync(CancellationToken.None);
        using var second = Store();
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => second.LoadAsync(CancellationToken.None).AsTask());
        Assert.Contains(DatabasePath, refused.Message);
        Assert.Contains($"process {Environment.ProcessId}", refused.Message);

        first.Dispose(); // Released: the file can be opened again.
        await second.LoadAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_corrupt_file_stops_the_start_with_what_to_do_and_is_left_as_it_was()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        var garbage = new byte[8192];
        Random.Shared.NextBytes(garbage);
        await File.WriteAllBytesAsync(DatabasePath, garbage);

        using var store = Store();
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => store.LoadAsync(CancellationToken.None).AsTask());
        Assert.Contains(DatabasePath, refused.Message);
        Assert.Contains("restore the file from a backup", refused.Message);
        Assert.Equal(garbage, await File.ReadAllBytesAsync(DatabasePath)); // never overwritten with an empty store
    }

    [Fact]
    public async Task A_file_of_a_newer_schema_is_refused()
    {
        using (var store = Store())
        {
            await store.LoadAsync(CancellationToken.None);
        }

        using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99";
            command.ExecuteNonQuery();
        }

        using var newer = Store();
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => newer.LoadAsync(CancellationToken.None).AsTask());
        Assert.Contains("schema version 99", refused.Message);
    }

    [Fact]
    public async Task A_broker_over_an_unreadable_store_does_not_start_and_accepts_no_connection()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        await File.WriteAllBytesAsync(DatabasePath, new byte[4096]);
        using var store = Store();
        await using var harness = new BrokerHarness(null, store, time: null);

        await Assert.ThrowsAsync<InvalidOperationException>(harness.StartAsync);
        Assert.False(harness.Broker.IsReady);
        var client = harness.Open();
        await client.SendAsync(new Protocol.Packets.ConnectPacket { ClientId = "c", ProtocolVersion = Protocol.MqttProtocolVersion.V311 });
        Assert.Null(await client.ReceiveAsync()); // closed without a CONNACK
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
