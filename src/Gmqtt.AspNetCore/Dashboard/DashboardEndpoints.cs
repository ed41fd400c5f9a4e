using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Gmqtt.AspNetCore.Statistics;
using Gmqtt.Protocol.Topics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Gmqtt.AspNetCore.Dashboard;

/// <summary>
/// The dashboard's endpoints: the page and its files, the overview event stream, the live message tail, and the
/// API-key sign-in. Data and actions otherwise go through the admin API, which the page calls directly.
/// </summary>
internal static class DashboardEndpoints
{
    /// <summary>How often the event stream pushes an overview: the statistics history samples once a second too.</summary>
    private static readonly TimeSpan SnapshotInterval = TimeSpan.FromSeconds(1);

    public static void Map(RouteGroupBuilder group, DashboardPageMetadata page, GmqttDashboardOptions options)
    {
        // "/" also matches the path without its slash; the page's <base href> makes its relative URLs right either way.
        group.MapGet("/", (HttpContext context) => DashboardPage.WritePageAsync(context, options))
            .WithMetadata(page).WithDisplayName("Gmqtt dashboard");
        foreach (var asset in DashboardAssets.Static)
        {
            group.MapGet("/" + asset.Name, (HttpContext context) =>
            {
                // Revalidated on every load (cheap: 304 by ETag), so a new version of the page is never mixed with old files.
                context.Response.Headers.CacheControl = "no-cache";
                context.Response.Headers.XContentTypeOptions = "nosniff";
                return TypedResults.Bytes(asset.Content, asset.ContentType, entityTag: asset.ETag);
            });
        }

        group.MapGet("/events", Events);
        group.MapGet("/tail", Tail);
        if (options.ApiKeySignIn)
        {
            group.MapPost("/session", SignIn);
            group.MapDelete("/session", SignOut);
        }
    }

    /// <summary><c>GET /events</c>: an overview now, then every second until the browser goes away.</summary>
    private static ServerSentEventsResult<DashboardSnapshot> Events(MqttBroker broker, GmqttStatisticsHistory history, TimeProvider time, CancellationToken cancellationToken) =>
        TypedResults.ServerSentEvents(Snapshots(broker, history, time, cancellationToken), "overview");

    private static async IAsyncEnumerable<DashboardSnapshot> Snapshots(
        MqttBroker broker, GmqttStatisticsHistory history, TimeProvider time, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(SnapshotInterval, time);
        do
        {
            yield return DashboardSnapshot.Create(broker, history);
        }
        while (await NextTickAsync(timer, cancellationToken).ConfigureAwait(false));
    }

    private static async ValueTask<bool> NextTickAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false; // The browser went away: end the stream quietly.
        }
    }

    /// <summary>
    /// <c>GET /tail?filter=</c>: a <c>ready</c> event once the tail listens, then a <c>message</c> event per published
    /// message whose topic matches. 400 for a missing, invalid or shared filter; 429 when too many tails are open.
    /// </summary>
    private static Results<ServerSentEventsResult<object>, ValidationProblem, ProblemHttpResult> Tail(
        string? filter, DashboardMessageTail tails, IOptions<GmqttDashboardOptions> options, HttpContext context)
    {
        if (string.IsNullOrEmpty(filter) || !MqttTopic.IsValidTopicFilter(filter) || MqttTopic.IsShared(filter))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["filter"] = [$"'{filter}' is not a topic filter: use levels separated by '/', '+' for one level and a final '#' for the rest (no $share/)."],
            });
        }

        var tail = tails.TryOpen(filter);
        if (tail is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many live tails",
                detail: $"At most {options.Value.MaxTails} live tails may be open at once (Gmqtt dashboard option MaxTails).");
        }

        // Closed when the request ends, however it ends (even if the stream is never enumerated).
        context.Response.RegisterForDispose(tail);
        return TypedResults.ServerSentEvents(TailEvents(tail, context.RequestAborted));
    }

    private static async IAsyncEnumerable<SseItem<object>> TailEvents(TailSubscription tail, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return new SseItem<object>(new { filter = tail.Filter }, "ready");
        while (await WaitToReadAsync(tail, cancellationToken).ConfigureAwait(false))
        {
            while (tail.Reader.TryRead(out var entry))
            {
                yield return new SseItem<object>(entry.Describe(tail.Dropped), "message");
            }
        }
    }

    private static async ValueTask<bool> WaitToReadAsync(TailSubscription tail, CancellationToken cancellationToken)
    {
        try
        {
            return await tail.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// <c>POST /session</c>, authorized by the key in the API-key header: returns it as a same-site cookie for the
    /// page and its event streams. Only a key the application's scheme accepted gets this far.
    /// </summary>
    private static Results<NoContent, ProblemHttpResult> SignIn(HttpContext context, IOptions<GmqttDashboardOptions> options)
    {
        var settings = options.Value;
        if (!context.Request.Headers.TryGetValue(settings.ApiKeyHeaderName!, out var key) || StringValues.IsNullOrEmpty(key))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "No API key", detail: $"Send the key in the {settings.ApiKeyHeaderName} header.");
        }

        context.Response.Cookies.Append(settings.ApiKeyCookieName!, key.ToString(), KeyCookie(context));
        return TypedResults.NoContent();
    }

    /// <summary><c>DELETE /session</c>: forgets the cookie.</summary>
    private static NoContent SignOut(HttpContext context, IOptions<GmqttDashboardOptions> options)
    {
        context.Response.Cookies.Delete(options.Value.ApiKeyCookieName!, KeyCookie(context));
        return TypedResults.NoContent();
    }

    // Scoped to the application's base path: the page, its streams and the admin API all live under it. Readable by
    // the page's script on purpose: an API-key scheme should accept the cookie only for reads (GET, EventSource) and
    // want the header for changes, so that another site cannot forge them; the page copies the cookie into the header
    // (double-submit), which script from another origin cannot do.
    private static CookieOptions KeyCookie(HttpContext context) => new()
    {
        HttpOnly = false,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        IsEssential = true,
        Path = context.Request.PathBase.HasValue ? context.Request.PathBase.Value : "/",
    };
}
