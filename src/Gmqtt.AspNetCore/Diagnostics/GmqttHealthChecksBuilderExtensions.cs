using Gmqtt.AspNetCore.Diagnostics;
using Gmqtt.AspNetCore.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Health checks for the Gmqtt broker.</summary>
public static class GmqttHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds the broker's health check: <paramref name="failureStatus"/> (Unhealthy by default) when the broker is
    /// stopping or stopped or no MQTT listener was added (<c>UseMqtt()</c>, <c>MapMqtt()</c>); Degraded when the retained
    /// message store or the session store fails its probe (<see cref="Gmqtt.Storage.IMqttStorageProbe"/>). The result's
    /// data holds the listeners, uptime and counts. Use with <c>services.AddHealthChecks().AddGmqtt()</c> and
    /// <c>app.MapHealthChecks("/health")</c>; requires <c>AddGmqtt()</c>.
    /// </summary>
    /// <param name="builder">From <c>services.AddHealthChecks()</c>.</param>
    /// <param name="name">The check's name in reports.</param>
    /// <param name="failureStatus">The status reported when the broker is down; Unhealthy when null.</param>
    /// <param name="tags">Tags to filter checks by, e.g. for separate liveness and readiness endpoints.</param>
    public static IHealthChecksBuilder AddGmqtt(this IHealthChecksBuilder builder, string name = "gmqtt", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(
            name,
            services =>
            {
                var marker = GmqttMarkerService.EnsureRegistered(services);
                return new GmqttHealthCheck(services.GetRequiredService<Gmqtt.MqttBroker>(), marker);
            },
            failureStatus,
            tags));
    }
}
