namespace Gmqtt.AspNetCore.Admin;

/// <summary>The admin API's 404s (400s come from <see cref="AdminValidator"/>).</summary>
internal static class AdminProblems
{
    public static NotFoundProblem NotFound(string detail) => new(detail);

    public static NotFoundProblem NoSession(string clientId) => NotFound($"No session for client '{clientId}'.");
}
