using System.ComponentModel.DataAnnotations;

namespace Gmqtt.AspNetCore.Dashboard;

/// <summary>
/// Limits of the dashboard's live message tail and its API-key sign-in, set with <c>AddGmqtt().AddDashboard(o => ...)</c>.
/// Out-of-range values fail start-up.
/// </summary>
public sealed class GmqttDashboardOptions
{
    /// <summary>
    /// Live message tails open at once, over all browsers; one more is refused with 429. Default 8: a tail costs a
    /// topic match per published message and a buffer, and the dashboard serves a few operators, not an audience.
    /// </summary>
    [Range(1, 1000)]
    public int MaxTails { get; set; } = 8;

    /// <summary>
    /// Messages a tail buffers for a browser that reads slower than the broker publishes; beyond it the oldest are
    /// dropped (and the count shown), so a slow browser never holds up a publisher. Default 500: a few seconds of a
    /// busy topic, at most 500 × <see cref="PayloadPreviewBytes"/> bytes per tail.
    /// </summary>
    [Range(1, 100_000)]
    public int TailBufferSize { get; set; } = 500;

    /// <summary>
    /// Payload bytes kept per message for the tail; the rest is cut and marked as truncated. Default 1024: enough to
    /// read a JSON reading, and it bounds a tail's memory whatever the maximum packet size.
    /// </summary>
    [Range(0, 1024 * 1024)]
    public int PayloadPreviewBytes { get; set; } = 1024;

    /// <summary>
    /// The request header of an API-key authentication scheme (default <c>X-Api-Key</c>, as the sample's). With
    /// <see cref="ApiKeyCookieName"/> it turns on the sign-in form: the page answered 401 asks for the key, sends it
    /// once in this header and gets it back as a same-site cookie, which the page and its event streams then carry
    /// (a browser's EventSource cannot send headers); the page also sends it in this header with every admin API call,
    /// so the scheme may (and should) accept the cookie for GET requests only. Set either to <see langword="null"/> to
    /// leave sign-in to the application's own scheme (a cookie or OpenID Connect login page, say).
    /// </summary>
    public string? ApiKeyHeaderName { get; set; } = "X-Api-Key";

    /// <summary>The cookie an API-key scheme reads the key from (default <c>gmqtt-api-key</c>); see <see cref="ApiKeyHeaderName"/>.</summary>
    public string? ApiKeyCookieName { get; set; } = "gmqtt-api-key";

    /// <summary>Whether the API-key sign-in form is on.</summary>
    internal bool ApiKeySignIn => !string.IsNullOrEmpty(ApiKeyHeaderName) && !string.IsNullOrEmpty(ApiKeyCookieName);
}
