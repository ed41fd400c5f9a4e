using Gmqtt.AspNetCore.Dashboard;
using Gmqtt.AspNetCore.Hosting;
using Gmqtt.Hooks;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the services of the Gmqtt dashboard (<c>app.MapGmqttDashboard()</c>).</summary>
public static class GmqttDashboardServiceCollectionExtensions
{
    /// <summary>
    /// Adds what <c>app.MapGmqttDashboard()</c> needs: the publish hook that feeds its live message tail and the
    /// API-key sign-in form. Call it after your own hooks: the tail then shows messages as they let them through.
    /// </summary>
    /// <param name="builder">Returned by <c>AddGmqtt()</c>.</param>
    /// <param name="configure">Tail limits and sign-in settings.</param>
    public static IGmqttBuilder AddDashboard(this IGmqttBuilder builder, Action<GmqttDashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<GmqttDashboardOptions>().ValidateDataAnnotations().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (services.Any(d => d.ServiceType == typeof(DashboardMessageTail)))
        {
            return builder; // Added already: a second hook would show every message twice.
        }

        services.AddSingleton<DashboardMessageTail>();
        services.AddSingleton<IMqttHook>(sp => sp.GetRequiredService<DashboardMessageTail>());

        // Wraps the authorization result handler in force (ASP.NET's default unless the application has its own), so
        // that a bare 401 for the dashboard page carries the sign-in form. AddAuthorization() called later keeps this
        // one (it only adds its default when none is registered).
        var inner = services.LastOrDefault(d => d.ServiceType == typeof(IAuthorizationMiddlewareResultHandler));
        services.AddSingleton<IAuthorizationMiddlewareResultHandler>(sp => new DashboardSignInResultHandler(
            Resolve(sp, inner), sp.GetRequiredService<IOptions<GmqttDashboardOptions>>()));
        return builder;
    }

    private static IAuthorizationMiddlewareResultHandler Resolve(IServiceProvider services, ServiceDescriptor? descriptor) => descriptor switch
    {
        null => new AuthorizationMiddlewareResultHandler(),
        { ImplementationInstance: IAuthorizationMiddlewareResultHandler instance } => instance,
        { ImplementationFactory: { } factory } => (IAuthorizationMiddlewareResultHandler)factory(services),
        { ImplementationType: { } type } => (IAuthorizationMiddlewareResultHandler)ActivatorUtilities.CreateInstance(services, type),
        _ => new AuthorizationMiddlewareResultHandler(),
    };
}
