using Gmqtt.Broker;
using Gmqtt.Hooks;
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
    {
        var options = new MqttBrokerOptions();
        configure?.Invoke(options);
        Time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        Broker = new MqttBroker(
            Microsoft.Extensions.Options.Options.Create(options),
            hooks,
            new InMemoryRetainedMessageStore(),
            new InMemorySessionStore(),
            Logs,
            Time);
    }

    public MqttBroker Broker { get; }

    public RecordingLoggerFactory Logs { get; } = new();

    public FakeTimeProvider Time { get; }

    /// <summary>Opens a network connection (no MQTT byte sent yet).</summary>
    public RawClient Open(string transport = "tcp")
    {
        var client = new RawClient(Broker, transport);
        _clients.Add(client);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }
    }
}
