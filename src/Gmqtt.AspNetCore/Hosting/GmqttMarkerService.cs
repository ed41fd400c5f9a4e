using System.Collections.Concurrent;

namespace Gmqtt.AspNetCore.Hosting;

/// <summary>
/// Registered by AddGmqtt so that UseMqtt/MapMqtt can say clearly when it is missing; it also records the MQTT
/// listeners they add, for the health check.
/// </summary>
internal sealed class GmqttMarkerService
{
    private readonly ConcurrentQueue<string> _listeners = new();

    /// <summary>The MQTT listeners, e.g. <c>tcp http://0.0.0.0:1883</c> or <c>ws /mqtt</c>.</summary>
    public IReadOnlyCollection<string> Listeners => _listeners;

    public void AddListener(string description) => _listeners.Enqueue(description);

    public static GmqttMarkerService EnsureRegistered(IServiceProvider services) =>
        services.GetService(typeof(GmqttMarkerService)) as GmqttMarkerService
        ?? throw new InvalidOperationException("Unable to find the Gmqtt services. Call services.AddGmqtt() when configuring the application.");
}
