using System.Text;
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

    [Fact]
    public async Task A_save_that_a_later_save_of_the_same_entry_in_one_commit_replaces_is_not_written()
    {
        using var store = Store();
        await store.LoadAsync(CancellationToken.None);
        MqttStoredMessage Body(long id) => new(id, new MqttApplicationMessage { Topic = "t", Payload = "x"u8.ToArray(), QoS = Protocol.MqttQualityOfService.AtLeastOnce }, null);
        MqttStoreChange.OutboxEntrySaved Entry(long sequence, ushort packetId) => new("c", new MqttStoredOutboxEntry(sequence, Body(sequence), Protocol.MqttQualityOfService.AtLeastOnce, false, null, packetId, false));
        await store.CommitAsync([new MqttStoreChange.SessionSaved(new MqttStoredSession { ClientId = "c", ExpiryInterval = 60 })], CancellationToken.None);
        await store.CommitAsync([new MqttStoreChange.MessageSaved(Body(9)), Entry(9, 0)], CancellationToken.None); // the log numbers "c" here

        // Queued, then sent with packet identifier 7 before the commit: one record, the last.
        await store.CommitAsync([new MqttStoreChange.MessageSaved(Body(1)), Entry(1, 0), Entry(1, 7)], CancellationToken.None);
        var replaced = LastRowBytes();
        await store.CommitAsync([new MqttStoreChange.MessageSaved(Body(2)), Entry(2, 7)], CancellationToken.None);
        Assert.Equal(LastRowBytes(), replaced);
        store.Dispose();

        using var reopened = Store();
        var stored = Assert.Single((await reopened.LoadAsync(CancellationToken.None)).Sessions);
        Assert.Equal([(1L, (ushort)7), (2L, (ushort)7), (9L, (ushort)0)], stored.Outbox.Select(e => (e.Sequence, e.PacketId)).Order());
    }

    private long LastRowBytes()
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT length(data) FROM log ORDER BY id DESC LIMIT 1";
        return (long)command.ExecuteScalar()!;
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
    public async Task A_version_1_file_with_its_long_outbox_records_is_read_and_migrated()
    {
        // A log row as schema 1 wrote it: outbox records name their session by client id, removals too.
        var row = new List<byte>();
        void Varint(long value)
        {
            for (; value >= 0x80; value >>= 7)
            {
                row.Add((byte)(value | 0x80));
            }

            row.Add((byte)value);
        }

        void Text(string value)
        {
            Varint(Encoding.UTF8.GetByteCount(value));
            row.AddRange(Encoding.UTF8.GetBytes(value));
        }

        void Body(long id, string payload)
        {
            row.Add(5); // MessageSaved: id, no expiry, the codec's bytes
            Varint(id);
            Varint(0);
            row.AddRange(MqttMessageCodec.Encode(new MqttApplicationMessage { Topic = "t", Payload = Encoding.UTF8.GetBytes(payload), QoS = Protocol.MqttQualityOfService.AtLeastOnce }));
        }

        void Entry(long sequence, long id, ushort packetId)
        {
            row.Add(7); // OutboxEntrySaved: sequence, client id, message id, flags (QoS 1), packet id, no subscription ids
            Varint(sequence);
            Text("c");
            Varint(id);
            row.Add(1);
            Varint(packetId);
            Varint(0);
        }

        row.Add(1); // SessionSaved: client id, version, expiry 60 s, no deadline, no will, no will delay, no will time
        Text("c");
        row.Add((byte)Protocol.MqttProtocolVersion.V311);
        Varint(60);
        Varint(0);
        row.Add(0);
        Varint(0);
        Varint(0);
        Body(1, "kept");
        Entry(1, 1, 5);
        Body(2, "acknowledged");
        Entry(2, 2, 6);
        row.Add(8); // OutboxEntryRemoved: sequence, client id
        Varint(2);
        Text("c");
        row.Add(6); // MessageRemoved
        Varint(2);

        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE log(id INTEGER PRIMARY KEY, kind INTEGER NOT NULL, data BLOB NOT NULL); PRAGMA user_version = 1; INSERT INTO log(kind, data) VALUES(0, $data);";
            command.Parameters.AddWithValue("$data", row.ToArray());
            command.ExecuteNonQuery();
        }

        using (var store = Store())
        {
            var session = Assert.Single((await store.LoadAsync(CancellationToken.None)).Sessions);
            var entry = Assert.Single(session.Outbox);
            Assert.Equal((1L, (ushort)5, "kept"), (entry.Sequence, entry.PacketId, Encoding.UTF8.GetString(entry.Message.Message.Payload.Span)));

            // Schema 2 records after schema 1 ones: the entry's removal by sequence finds its session.
            await store.CommitAsync([new MqttStoreChange.OutboxEntryRemoved("c", 1), new MqttStoreChange.MessageRemoved(1)], CancellationToken.None);
        }

        using var reopened = Store();
        Assert.Empty(Assert.Single((await reopened.LoadAsync(CancellationToken.None)).Sessions).Outbox);
        using var check = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        reopened.Dispose();
        check.Open();
        using var version = check.CreateCommand();
        version.CommandText = "PRAGMA user_version";
        Assert.Equal((long)SqliteSessionStore.SchemaVersion, (long)version.ExecuteScalar()!);
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
