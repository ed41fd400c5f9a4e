using System.Collections.Concurrent;
using Gmqtt.AspNetCore.Hosting;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Topics;
using Gmqtt.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gmqtt.AspNetCore.Tests;

/// <summary>AddGmqtt's in-memory stores, and replacing them with AddRetainedMessageStore / AddSessionStore.</summary>
public class StoreRegistrationTests
{
    [Fact]
    public async Task Without_a_store_added_the_broker_uses_the_in_memory_stores()
    {
        await using var services = Services();
        var broker = services.GetRequiredService<MqttBroker>();

        Assert.IsType<InMemoryRetainedMessageStore>(broker.RetainedMessages);
        Assert.IsType<InMemorySessionStore>(broker.SessionStore);
    }

    [Fact]
    public async Task AddRetainedMessageStore_of_a_type_replaces_the_default_and_the_broker_retains_into_it()
    {
        await using var services = Services(gmqtt => gmqtt.AddRetainedMessageStore<RecordingStore>());
        var broker = services.GetRequiredService<MqttBroker>();

        await broker.PublishAsync(new MqttApplicationMessage { Topic = "sensors/1", Payload = "21"u8.ToArray(), Retain = true });

        var store = Assert.IsType<RecordingStore>(broker.RetainedMessages);
        Assert.Equal(["sensors/1"], store.Retained.Keys);
        Assert.Single(services.GetServices<IMqttRetainedMessageStore>()); // Replaced, not added beside the default.
        Assert.IsType<InMemorySessionStore>(broker.SessionStore); // The other store keeps its default.
    }

    [Fact]
    public async Task A_type_added_as_both_stores_is_one_instance()
    {
        await using var services = Services(gmqtt => gmqtt.AddRetainedMessageStore<RecordingStore>().AddSessionStore<RecordingStore>());
        var broker = services.GetRequiredService<MqttBroker>();

        Assert.IsType<RecordingStore>(broker.SessionStore);
        Assert.Same(broker.RetainedMessages, broker.SessionStore);
        Assert.Same(services.GetRequiredService<RecordingStore>(), broker.SessionStore);
    }

    [Fact]
    public async Task The_instance_and_factory_overloads_replace_the_defaults()
    {
        var retained = new RecordingStore();
        var session = new RecordingStore();
        IServiceProvider? factoryServices = null;
        await using var services = Services(gmqtt => gmqtt
            .AddRetainedMessageStore(retained)
            .AddSessionStore(sp =>
            {
                factoryServices = sp;
                return session;
            }));
        var broker = services.GetRequiredService<MqttBroker>();

        Assert.Same(retained, broker.RetainedMessages);
        Assert.Same(session, broker.SessionStore);
        Assert.NotNull(factoryServices);
        Assert.Single(services.GetServices<IMqttRetainedMessageStore>());
        Assert.Single(services.GetServices<IMqttSessionStore>());
    }

    [Fact]
    public async Task A_store_registered_before_AddGmqtt_is_kept()
    {
        var store = new RecordingStore();
        var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<IMqttRetainedMessageStore>(store);
        services.AddGmqtt(configure: o => o.SysInterval = TimeSpan.Zero);
        await using var provider = services.BuildServiceProvider();

        Assert.Same(store, provider.GetRequiredService<MqttBroker>().RetainedMessages);
    }

    private static ServiceProvider Services(Action<IGmqttBuilder>? configure = null)
    {
        var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        var gmqtt = services.AddGmqtt(configure: o => o.SysInterval = TimeSpan.Zero);
        configure?.Invoke(gmqtt);
        return services.BuildServiceProvider();
    }

    /// <summary>A store of both kinds, as one database backing both would be: it keeps retained messages and ignores session events.</summary>
    private sealed class RecordingStore : IMqttRetainedMessageStore, IMqttSessionStore
    {
        public ConcurrentDictionary<string, MqttApplicationMessage> Retained { get; } = new(StringComparer.Ordinal);

        public int Count => Retained.Count;

        public void Set(MqttApplicationMessage message) => Retained[message.Topic] = message;

        public bool Remove(string topic) => Retained.TryRemove(topic, out _);

        public MqttApplicationMessage? Get(string topic) => Retained.GetValueOrDefault(topic);

        public IReadOnlyList<MqttApplicationMessage> Match(string filter) => [.. Retained.Values.Where(m => MqttTopic.Matches(m.Topic, filter))];

        public MqttStoreDurability Durability => MqttStoreDurability.None;

        public TimeSpan CommitInterval => TimeSpan.Zero;

        public ValueTask<MqttStoreSnapshot> LoadAsync(CancellationToken cancellationToken) => ValueTask.FromResult(MqttStoreSnapshot.Empty);

        public ValueTask CommitAsync(IReadOnlyList<MqttStoreChange> changes, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
