using Gmqtt.Storage;
using Gmqtt.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gmqtt.Tests.Durability;

/// <summary>
/// A broker over a real SQLite file in a folder of its own, restarted in-process: <see cref="RestartAsync"/> stops it
/// gracefully (every pending batch committed); <see cref="CrashAsync"/> cuts it off from the file as a kill would —
/// what was committed stays, nothing else reaches the file — and starts a new broker over it. The clock carries on.
/// </summary>
internal sealed class DurableBroker : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gmqtt-durable-").FullName;
    private readonly Action<MqttBrokerOptions>? _configure;
    private readonly Hooks.IMqttHook[] _hooks;
    private Action<SqliteStorageOptions>? _storage;
    private CrashableStore _store = null!;

    private DurableBroker(Action<MqttBrokerOptions>? configure, Hooks.IMqttHook[] hooks)
    {
        _configure = configure;
        _hooks = hooks;
    }

    public BrokerHarness Harness { get; private set; } = null!;

    public MqttBroker Broker => Harness.Broker;

    public FakeTimeProvider Time => Harness.Time;

    public string DatabasePath => Path.Combine(_directory, "gmqtt.db");

    public static async Task<DurableBroker> StartAsync(Action<MqttBrokerOptions>? configure = null, params Hooks.IMqttHook[] hooks) =>
        await StartAsync(configure, storage: null, hooks);

    public static async Task<DurableBroker> StartAsync(Action<MqttBrokerOptions>? configure, Action<SqliteStorageOptions>? storage, params Hooks.IMqttHook[] hooks)
    {
        var broker = new DurableBroker(configure, hooks) { _storage = storage };
        await broker.StartNewAsync(time: null);
        return broker;
    }

    /// <summary>Waits until everything handed to the store so far is committed (<see cref="BrokerHarness.CommittedAsync"/>).</summary>
    public Task CommittedAsync() => Harness.CommittedAsync();

    /// <summary>A graceful stop and a new broker over the same file.</summary>
    public async Task RestartAsync()
    {
        await Harness.Broker.StopAsync();
        await Harness.DisposeAsync();
        _store.Dispose();
        await StartNewAsync(Time);
    }

    /// <summary>A kill: the old broker keeps running in memory but never writes again; a new one starts over the file.</summary>
    public async Task CrashAsync()
    {
        await _store.CrashAsync();
        // The old broker's connections die with it and its timers stop; it can no longer write anything.
        await Harness.Broker.StopAsync();
        await Harness.DisposeAsync();
        await StartNewAsync(Time);
    }

    private async Task StartNewAsync(FakeTimeProvider? time)
    {
        var options = new SqliteStorageOptions { Path = DatabasePath };
        _storage?.Invoke(options);
        var sqlite = new SqliteSessionStore(Microsoft.Extensions.Options.Options.Create(options), NullLogger<SqliteSessionStore>.Instance);
        _store = new CrashableStore(sqlite);
        Harness = new BrokerHarness(_configure, _store, time, _hooks);
        await Harness.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Harness.Broker.StopAsync();
        await Harness.DisposeAsync();
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Passes commits to the SQLite store until <see cref="CrashAsync"/>; after it, every commit fails and the file is closed.</summary>
    private sealed class CrashableStore(SqliteSessionStore inner) : IMqttSessionStore, IDisposable
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private bool _crashed;

        public MqttStoreDurability Durability => inner.Durability;

        public TimeSpan CommitInterval => inner.CommitInterval;

        public ValueTask<MqttStoreSnapshot> LoadAsync(CancellationToken cancellationToken) => inner.LoadAsync(cancellationToken);

        public async ValueTask CommitAsync(IReadOnlyList<MqttStoreChange> changes, CancellationToken cancellationToken)
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                if (_crashed)
                {
                    throw new IOException("The process was killed.");
                }

                await inner.CommitAsync(changes, cancellationToken);
            }
            finally
            {
                _gate.Release();
            }
        }

        public async Task CrashAsync()
        {
            await _gate.WaitAsync(); // A commit under way finishes (it would have reached the disk or not at all).
            _crashed = true;
            inner.Dispose();
            _gate.Release();
        }

        public void Dispose() => inner.Dispose();
    }
}
