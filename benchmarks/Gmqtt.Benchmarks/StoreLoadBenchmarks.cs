using BenchmarkDotNet.Attributes;
using Gmqtt.Protocol;
using Gmqtt.Storage;
using Gmqtt.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gmqtt.Benchmarks;

/// <summary>
/// A restart over a full SQLite store: <see cref="Sessions"/> offline sessions with <see cref="QueuedPerSession"/>
/// queued QoS 1 messages each (64-byte payloads, one body per message), loaded and restored into a new broker —
/// what a deploy or a crash costs before the broker accepts clients. Target: 1,000,000 messages over 10,000 sessions in ≤ 5 s.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
[MemoryDiagnoser]
public class StoreLoadBenchmarks
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "gmqtt-load-benchmark");
    private MqttBroker? _broker;
    private SqliteSessionStore? _store;

    [Params(10_000)]
    public int Sessions { get; set; }

    [Params(100)]
    public int QueuedPerSession { get; set; }

    private string DatabasePath => Path.Combine(_directory, $"load-{Sessions}x{QueuedPerSession}.db");

    [GlobalSetup]
    public void Setup()
    {
        Directory.CreateDirectory(_directory);
        if (File.Exists(DatabasePath))
        {
            return; // Built by an earlier run with the same parameters.
        }

        using var store = Open();
        store.LoadAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        var payload = new byte[64];
        new Random(42).NextBytes(payload);
        long sequence = 0;
        var batch = new List<MqttStoreChange>(20_000);
        for (var s = 0; s < Sessions; s++)
        {
            var clientId = $"client-{s:D6}";
            batch.Add(new MqttStoreChange.SessionSaved(new MqttStoredSession
            {
                ClientId = clientId,
                ProtocolVersion = MqttProtocolVersion.V311,
                ExpiryInterval = uint.MaxValue,
            }));
            batch.Add(new MqttStoreChange.SubscriptionSaved(clientId, new MqttStoredSubscription($"devices/{s}/#", MqttQualityOfService.AtLeastOnce, false, false, MqttRetainHandling.SendAtSubscribe, null)));
            for (var m = 0; m < QueuedPerSession; m++)
            {
                sequence++;
                var message = new MqttStoredMessage(sequence, new MqttApplicationMessage { Topic = $"devices/{s}/telemetry", Payload = payload, QoS = MqttQualityOfService.AtLeastOnce, SenderClientId = "publisher" }, null);
                batch.Add(new MqttStoreChange.MessageSaved(message));
                batch.Add(new MqttStoreChange.OutboxEntrySaved(clientId, new MqttStoredOutboxEntry(sequence, message, MqttQualityOfService.AtLeastOnce, false, null, 0, false)));
            }

            if (batch.Count >= 20_000)
            {
                store.CommitAsync(batch, CancellationToken.None).AsTask().GetAwaiter().GetResult();
                batch.Clear();
            }
        }

        store.CommitAsync(batch, CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }

    [Benchmark]
    public async Task<int> LoadAndRestore()
    {
        _store = Open();
        _broker = new MqttBroker(
            Microsoft.Extensions.Options.Options.Create(new MqttBrokerOptions { SysInterval = TimeSpan.Zero, MaxQueuedMessages = QueuedPerSession }),
            [],
            new InMemoryRetainedMessageStore(),
            _store,
            NullLoggerFactory.Instance);
        await _broker.StartAsync();
        return _broker.SessionCount;
    }

    [IterationCleanup]
    public void Cleanup()
    {
        _broker?.StopAsync().GetAwaiter().GetResult();
        _store?.Dispose();
    }

    private SqliteSessionStore Open() => new(
        Microsoft.Extensions.Options.Options.Create(new SqliteStorageOptions { Path = DatabasePath }),
        NullLogger<SqliteSessionStore>.Instance);
}
