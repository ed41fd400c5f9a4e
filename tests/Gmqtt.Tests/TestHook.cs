using System.Collections.Concurrent;
using Gmqtt.Hooks;

namespace Gmqtt.Tests;

/// <summary>
/// A hook whose decisions are delegates set by the test, and which records every notification it hears (in
/// order) so tests can assert what the broker told its hooks.
/// </summary>
internal sealed class TestHook : IMqttHook
{
    public Action<MqttConnectContext>? Connect { get; init; }

    public Action<MqttSubscribeContext>? Subscribe { get; init; }

    public Action<MqttPublishContext>? Publish { get; init; }

    public Action<MqttWillContext>? Will { get; init; }

    /// <summary>Awaited before <see cref="OnClosedAsync"/> records the close: a test can hold a connection's teardown.</summary>
    public Func<MqttClientInfo, MqttCloseReason, Task>? Closing { get; init; }

    /// <summary>Every notification, as "Event:detail", in the order heard.</summary>
    public ConcurrentQueue<string> Events { get; } = new();

    public ConcurrentQueue<(string ClientId, MqttApplicationMessage Message, MqttDropReason Reason)> Dropped { get; } = new();

    public ConcurrentQueue<(string ClientId, MqttCloseReason Reason)> Closed { get; } = new();

    public ValueTask OnConnectAsync(MqttConnectContext context)
    {
        Connect?.Invoke(context);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnSubscribeAsync(MqttSubscribeContext context)
    {
        Subscribe?.Invoke(context);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnSubscribedAsync(MqttClientInfo client, Protocol.MqttTopicFilter filter)
    {
        Events.Enqueue($"Subscribed:{client.ClientId}:{filter.Filter}");
        return ValueTask.CompletedTask;
    }

    public ValueTask OnPublishAsync(MqttPublishContext context)
    {
        Publish?.Invoke(context);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnWillPublishAsync(MqttWillContext context)
    {
        Events.Enqueue($"Will:{context.Client.ClientId}");
        Will?.Invoke(context);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnMessageDroppedAsync(string clientId, MqttApplicationMessage message, MqttDropReason reason)
    {
        Dropped.Enqueue((clientId, message, reason));
        return ValueTask.CompletedTask;
    }

    public async ValueTask OnClosedAsync(MqttClientInfo client, MqttCloseReason reason)
    {
        if (Closing is not null)
        {
            await Closing(client, reason);
        }

        Closed.Enqueue((client.ClientId, reason));
        Events.Enqueue($"Closed:{client.ClientId}");
    }

    public ValueTask OnSessionTerminatedAsync(string clientId, MqttSessionTerminationReason reason)
    {
        Events.Enqueue($"SessionTerminated:{clientId}:{reason}");
        return ValueTask.CompletedTask;
    }

    public ValueTask OnStopAsync()
    {
        Events.Enqueue("Stop");
        return ValueTask.CompletedTask;
    }
}
