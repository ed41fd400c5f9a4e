using Gmqtt.AspNetCore.Admin;
using Gmqtt.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Gmqtt admin API.</summary>
public static class GmqttAdminEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the admin REST API under <paramref name="prefix"/>: overview and statistics history, clients and sessions
    /// (paged, filtered, disconnect), subscriptions (list, subscribe and unsubscribe on a client's behalf), publish and
    /// retained messages. Errors are RFC 9457 problem details; every route carries OpenAPI metadata (tag "Gmqtt").
    /// </summary>
    /// <remarks>
    /// The API can disconnect clients and publish anything, so protect it: the returned group takes conventions, e.g.
    /// <c>app.MapGmqttAdmin().RequireAuthorization("GmqttAdmin")</c>. Nothing is protected by default.
    /// </remarks>
    /// <param name="endpoints">The application's endpoints.</param>
    /// <param name="prefix">The route prefix of every admin route.</param>
    /// <returns>The route group, for conventions that apply to every admin route.</returns>
    public static RouteGroupBuilder MapGmqttAdmin(this IEndpointRouteBuilder endpoints, string prefix = "/api/v1")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        GmqttMarkerService.EnsureRegistered(endpoints.ServiceProvider);

        var group = endpoints.MapGroup(prefix).WithTags("Gmqtt");
        AdminEndpoints.MapOverview(group);
        AdminEndpoints.MapSessions(group);
        AdminEndpoints.MapSubscriptions(group);
        AdminEndpoints.MapMessages(group);
        return group;
    }
}
