using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Gmqtt.Server.Admin;

/// <summary>
/// The "ApiKey" scheme: the key from <c>Gmqtt:Admin:ApiKey</c> in the <c>X-Api-Key</c> header or, for GET requests
/// only, in the <c>gmqtt-api-key</c> cookie (a browser's EventSource cannot send headers).
/// </summary>
/// <remarks>
/// The cookie is ignored on POST and DELETE so that a page on another site cannot make a logged-in browser change
/// anything (cross-site request forgery): state-changing calls must carry the header, which only script from the
/// dashboard's own origin can add.
/// </remarks>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptionsMonitor<AdminOptions> admin)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";
    public const string CookieName = "gmqtt-api-key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? presented = Request.Headers[HeaderName];
        if (string.IsNullOrEmpty(presented) && (HttpMethods.IsGet(Request.Method) || HttpMethods.IsHead(Request.Method)))
        {
            presented = Request.Cookies[CookieName];
        }

        if (string.IsNullOrEmpty(presented))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!KeysMatch(presented, admin.CurrentValue.ApiKey))
        {
            return Task.FromResult(AuthenticateResult.Fail("Invalid API key."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "gmqtt-admin")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{HeaderName}\"";
        return base.HandleChallengeAsync(properties);
    }

    /// <summary>
    /// Compares in constant time. Both sides are hashed first: FixedTimeEquals returns at once on a length mismatch,
    /// which would tell an attacker the key's length.
    /// </summary>
    internal static bool KeysMatch(string presented, string expected) =>
        expected.Length > 0 &&
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
