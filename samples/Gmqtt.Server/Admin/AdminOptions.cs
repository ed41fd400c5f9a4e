namespace Gmqtt.Server.Admin;

/// <summary>The admin API and dashboard (<c>Gmqtt:Admin</c>).</summary>
public sealed class AdminOptions
{
    /// <summary>Maps the admin API at <c>/api/v1</c>; false leaves it (and its key) out entirely.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Requires <see cref="ApiKey"/> in the <c>X-Api-Key</c> header. False serves the admin API to anyone who can
    /// reach the HTTP endpoint (logged as a warning at start); meant for a network that is already closed.
    /// </summary>
    public bool RequireApiKey { get; set; } = true;

    /// <summary>
    /// The key. Empty fails start-up, except in the Development environment, where a random key is generated for
    /// the run and logged.
    /// </summary>
    public string ApiKey { get; set; } = "";
}
