using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Gmqtt.AspNetCore.Dashboard;

/// <summary>
/// Lets the application's authentication answer first (its challenge), then, for the dashboard page only, when that
/// answer is a bare 401, gives it a body: the API-key sign-in form. A scheme that redirects to its own login page,
/// or writes its own body, is left alone, and every other endpoint keeps the <paramref name="inner"/> handler's answer.
/// </summary>
internal sealed class DashboardSignInResultHandler(IAuthorizationMiddlewareResultHandler inner, IOptions<GmqttDashboardOptions> options)
    : IAuthorizationMiddlewareResultHandler
{
    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        await inner.HandleAsync(next, context, policy, authorizeResult).ConfigureAwait(false);
        if (authorizeResult.Challenged && options.Value.ApiKeySignIn &&
            context.Response.StatusCode == StatusCodes.Status401Unauthorized && !context.Response.HasStarted &&
            context.GetEndpoint()?.Metadata.GetMetadata<DashboardPageMetadata>() is not null)
        {
            await DashboardPage.WriteSignInAsync(context, options.Value).ConfigureAwait(false);
        }
    }
}
