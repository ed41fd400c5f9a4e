using Gmqtt.AspNetCore.Hosting;
using Gmqtt.AspNetCore.WebSockets;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps MQTT over WebSocket.</summary>
public static class GmqttEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves MQTT over WebSocket (ws and wss) at <paramref name="pattern"/>, negotiating the <c>mqtt</c> or
    /// <c>mqttv3.1</c> subprotocol. Only WebSocket requests are served (no long polling, no negotiate endpoint).
    /// Requires <c>app.UseWebSockets()</c>. The returned builder takes conventions such as
    /// <c>.RequireAuthorization()</c>.
    /// </summary>
    public static IEndpointConventionBuilder MapMqtt(this IEndpointRouteBuilder endpoints, string pattern)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        GmqttMarkerService.EnsureRegistered(endpoints.ServiceProvider).AddListener($"ws {pattern}");
        return endpoints.Map(pattern, MqttWebSocketEndpoint.HandleAsync).WithDisplayName("MQTT over WebSocket");
    }
}
