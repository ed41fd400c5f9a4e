using System.Net;
using Microsoft.AspNetCore.Http;

namespace Gmqtt.AspNetCore.Dashboard;

/// <summary>Renders the page and the sign-in form: the embedded HTML with the paths it needs filled in.</summary>
internal static class DashboardPage
{
    // The page loads only its own files and talks only to its own origin; nothing inline, no frames.
    private const string PagePolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    // The sign-in form is answered with the 401, when the page's own files are not reachable yet: it is self-contained.
    private const string SignInPolicy =
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static Task WritePageAsync(HttpContext context, GmqttDashboardOptions options)
    {
        var page = context.GetEndpoint()!.Metadata.GetRequiredMetadata<DashboardPageMetadata>();
        return WriteAsync(context, Render(DashboardAssets.Get("index.html").Text, context, page, options), PagePolicy);
    }

    public static Task WriteSignInAsync(HttpContext context, GmqttDashboardOptions options)
    {
        var page = context.GetEndpoint()!.Metadata.GetRequiredMetadata<DashboardPageMetadata>();
        return WriteAsync(context, Render(DashboardAssets.Get("signin.html").Text, context, page, options), SignInPolicy);
    }

    private static string Render(string template, HttpContext context, DashboardPageMetadata page, GmqttDashboardOptions options)
    {
        var pathBase = context.Request.PathBase.Value ?? "";
        return template
            .Replace("{{base}}", WebUtility.HtmlEncode(pathBase + page.Path + "/"), StringComparison.Ordinal)
            .Replace("{{admin}}", WebUtility.HtmlEncode(pathBase + page.AdminApiPrefix), StringComparison.Ordinal)
            .Replace("{{header}}", options.ApiKeySignIn ? WebUtility.HtmlEncode(options.ApiKeyHeaderName) : "", StringComparison.Ordinal)
            .Replace("{{cookie}}", options.ApiKeySignIn ? WebUtility.HtmlEncode(options.ApiKeyCookieName) : "", StringComparison.Ordinal);
    }

    private static Task WriteAsync(HttpContext context, string html, string policy)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = policy;
        headers.CacheControl = "no-store";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(html, context.RequestAborted);
    }
}
