using Gmqtt.Broker;
using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;
using Gmqtt.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Gmqtt.Tests;

/// <summary>
/// A broker with in-memory connections: each <see cref="RawClient"/> talks to it over a pair of pipes, byte
/// for byte, and time is a <see cref="FakeTimeProvider"/> the test moves forward.
/// </summary>
internal sealed class BrokerHarness : IAsyncDisposable
{
    private readonly List<RawClient> _clients = [];

    public BrokerHarness(Action<MqttBrokerOptions>? configure = null, params IMqttHook[] hooks)
        : this(configure, sessionStore: null, time: null, hooks)
    {
    }

    /// <summary>A broker over <paramref name="sessionStore"/> (in memory when null) on <paramref name="time"/> (a new fake clock when null); call <see cref="StartAsync"/> for a durable store.</summary>
    public BrokerHarness(Action<MqttBrokerOptions>? configure, IMqttSessionStore? sessionStore, FakeTimeProvider? time, params IMqttHook[] hooks)
    {
        // $SYS off unless a test turns it on: its retained messages are not what other tests look at, and a
        // FakeTimeProvider moved by days would fire its timer once per interval.
        var options = new MqttBrokerOptions { SysInterval = TimeSpan.Zero };
        configure?.Invoke(options);
        Time = time ?? new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        Broker = new MqttBroker(
            Microsoft.Extensions.Options.Options.Create(options),
            hooks,
            new InMemoryRetainedMessageStore(Time),
            sessionStore ?? new InMemorySessionStore(),
            Logs,
            Time);
    }

    public MqttBroker Broker { get; }

    /// <summary>Loads the session store (the host does this before its listeners start).</summary>
    public Task StartAsync() => Broker.StartAsync();

    /// <summary>
    /// Waits until everything the broker has handed its durable store so far is committed: a change nobody was told
    /// about (a disconnect's deadline, say) is otherwise committed with the next batch, and a crash before it may lose it.
    /// </summary>
    public Task CommittedAsync()
    {
        var committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Broker.StoreWriter!.AfterCommit(_ => committed.SetResult());
        return committed.Task.WaitAsync(RawClient.Timeout);
    }

    public RecordingLoggerFactory Logs { get; } = new();

    public FakeTimeProvider Time { get; }

    /// <summary>Opens a network connection (no MQTT byte sent yet).</summary>
    public RawClient Open(string transport = "tcp")
    {
        var client = new RawClient(Broker, transport);
        _clients.Add(client);
        return client;
    }

    /// <summary>Opens a connection and connects it; the CONNACK must be a success.</summary>
    public async Task<RawClient> ConnectAsync(string clientId, bool clean = true, MqttProtocolVersion version = MqttProtocolVersion.V311, ushort keepAlive = 0, MqttWill? will = null)
    {
        var client = Open();
        var connAck = await client.ConnectAsync(clientId, clean, version, keepAlive, will);
        Assert.Equal(MqttReasonCode.Success, connAck.ReasonCode);
        if (keepAlive > 0)
        {
            // The broker arms the keep alive timer just after writing CONNACK; let it finish before a test moves the clock.
            await client.PingAsync();
        }

        return client;
    }

    /// <summary>
    /// Opens a connection and connects it with MQTT 5.0; the CONNACK must be a success. A PINGREQ follows as a
    /// barrier, so that whatever the broker arms after CONNACK (keep alive, connect timeout off) is done before
    /// a test moves the clock.
    /// </summary>
    public async Task<RawClient> Connect5Async(string clientId, bool cleanStart = true, MqttProperties? properties = null, MqttWill? will = null, ushort keepAlive = 0)
    {
        var client = Open();
        var connAck = await client.Connect5Async(clientId, cleanStart, properties, will, keepAlive);
        Assert.Equal(MqttReasonCode.Success, connAck.ReasonCode);
        await client.PingAsync();
        return client;
    }

    /// <summary>Connects an MQTT 5.0 client and subscribes it to <paramref name="filter"/>.</summary>
    public async Task<RawClient> Subscriber5Async(string clientId, string filter, MqttQualityOfService qos = MqttQualityOfService.AtMostOnce, MqttProperties? properties = null, uint? subscriptionId = null, bool cleanStart = true)
    {
        var client = await Connect5Async(clientId, cleanStart, properties);
        var subAck = await client.Subscribe5Async(filter, qos, subscriptionId);
        Assert.Equal(MqttReasonCodes.Granted(qos), Assert.Single(subAck.ReasonCodes));
        return client;
    }

    /// <summary>Publishes a QoS 0 marker through the server-side API: a later message the test can wait for, to prove an earlier one never came.</summary>
    public Task PublishMarkerAsync(string topic = "marker") => Broker.PublishAsync(new MqttApplicationMessage { Topic = topic, Payload = "marker"u8.ToArray() });

    /// <summary>Connects a client and subscribes it to <paramref name="filter"/>.</summary>
    public async Task<RawClient> SubscriberAsync(string clientId, string filter, MqttQualityOfService qos = MqttQualityOfService.AtMostOnce, bool clean = true)
    {
        var client = await ConnectAsync(clientId, clean);
        var subAck = await client.SubscribeAsync(filter, qos);
        Assert.Equal(MqttReasonCodes.Granted(qos), Assert.Single(subAck.ReasonCodes));
        return client;
    }

    /// <summary>Whether a line with this event id was logged.</summary>
    public bool Logged(int eventId) => Logs.Entries.Any(e => e.EventId == eventId);

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }
    }
}
