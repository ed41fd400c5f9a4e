using Gmqtt.AspNetCore.Hosting;
using Gmqtt.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gmqtt.AspNetCore.Diagnostics;

/// <summary>
/// The broker's health: the registration's failure status (Unhealthy by default) when the broker is stopping or
/// stopped, or when no MQTT listener was added (UseMqtt, MapMqtt); Degraded when a store fails its probe (the broker
/// still serves live clients from memory, but what it persists is at risk); Healthy otherwise. The data carries the
/// counts, for a human reading <c>/health</c>.
/// </summary>
internal sealed class GmqttHealthCheck(MqttBroker broker, GmqttMarkerService marker) : IHealthCheck
{
    // A topic no client can publish to ($SYS is the broker's), so the read never finds a real message to copy.
    private const string ProbeTopic = "$SYS/broker/health/probe";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var statistics = broker.GetStatistics();
        var listeners = marker.Listeners.ToArray();
        var data = new Dictionary<string, object>
        {
            ["listeners"] = listeners,
            ["uptimeSeconds"] = (long)broker.Uptime.TotalSeconds,
            ["connections"] = statistics.Connections,
            ["sessions"] = statistics.Sessions,
            ["offlineSessions"] = statistics.OfflineSessions,
            ["subscriptions"] = statistics.Subscriptions,
            ["retainedMessages"] = statistics.RetainedMessages,
        };

        if (broker.IsStopping)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The MQTT broker is stopping or stopped.", data: data);
        }

        if (!broker.IsReady)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The MQTT broker is loading its session store.", data: data);
        }

        if (listeners.Length == 0)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "No MQTT listener: call UseMqtt() on a Kestrel endpoint or app.MapMqtt().", data: data);
        }

        var failures = new List<string>();
        if (broker.StorageFailure is { } commitFailure)
        {
            failures.Add($"session store: the last commit failed: {commitFailure}");
        }

        await ProbeAsync("retained message store", broker.RetainedMessages, failures, cancellationToken).ConfigureAwait(false);
        await ProbeAsync("session store", broker.SessionStore, failures, cancellationToken).ConfigureAwait(false);
        if (failures.Count > 0)
        {
            data["storageFailures"] = failures;
            return HealthCheckResult.Degraded($"Storage failed its probe: {string.Join("; ", failures)}", data: data);
        }

        return HealthCheckResult.Healthy($"Serving MQTT on {string.Join(", ", listeners)}.", data);
    }

    /// <summary>
    /// A store's own probe when it has one (<see cref="IMqttStorageProbe"/>); the retained store also answers a read.
    /// A failure is recorded, not thrown: one bad store must not hide the other's state.
    /// </summary>
    private static async Task ProbeAsync(string name, object store, List<string> failures, CancellationToken cancellationToken)
    {
        try
        {
            if (store is IMqttRetainedMessageStore retained)
            {
                _ = retained.Get(ProbeTopic);
            }

            if (store is IMqttStorageProbe probe)
            {
                await probe.ProbeAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            failures.Add($"{name}: {e.Message}");
        }
    }
}
