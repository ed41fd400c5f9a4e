using Gmqtt.AspNetCore.Dashboard;
using Gmqtt.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Gmqtt dashboard.</summary>
public static class GmqttDashboardEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves the dashboard at <paramref name="path"/>: a page embedded in the library (no CDN, nothing from the
    /// internet) with a live overview and message-rate chart, clients, retained messages, a publish form and a live
    /// message tail. It reads and acts through the admin API at <paramref name="adminApiPrefix"/>
    /// (<c>app.MapGmqttAdmin()</c>), and streams live data over Server-Sent Events from <c>{path}/events</c> and
    /// <c>{path}/tail?filter=</c>. Requires <c>AddGmqtt().AddDashboard()</c>.
    /// </summary>
    /// <returns>
    /// A builder for every endpoint mapped here: <c>.RequireAuthorization(...)</c> protects them all; give the admin
    /// API the same policy.
    /// </returns>
    public static IEndpointConventionBuilder MapGmqttDashboard(this IEndpointRouteBuilder endpoints, string path = "/dashboard", string adminApiPrefix = "/api/v1")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentException.ThrowIfNullOrWhiteSpace(adminApiPrefix);
        GmqttMarkerService.EnsureRegistered(endpoints.ServiceProvider);
        if (endpoints.ServiceProvider.GetService<DashboardMessageTail>() is null)
        {
            throw new InvalidOperationException("Unable to find the Gmqtt dashboard services. Call services.AddGmqtt().AddDashboard() when configuring the application.");
        }

        var page = new DashboardPageMetadata(Normalize(path), Normalize(adminApiPrefix));
        var group = endpoints.MapGroup(page.Path);
        group.ExcludeFromDescription(); // A page and its streams, not API: the admin API is what OpenAPI describes.
        DashboardEndpoints.Map(group, page, endpoints.ServiceProvider.GetRequiredService<IOptions<GmqttDashboardOptions>>().Value);
        return group;
    }

    // "/dashboard/" and "dashboard" both mean "/dashboard".
    private static string Normalize(string path) => "/" + path.Trim('/');
}
