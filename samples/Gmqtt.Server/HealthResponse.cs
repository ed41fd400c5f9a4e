using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gmqtt.Server;

/// <summary>
/// Writes a health report as JSON (<c>{ "status": "Healthy", "checks": { "gmqtt": { status, description, data } } }</c>)
/// rather than the bare status word, so that an operator sees why and the counts.
/// </summary>
internal static class HealthResponse
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var body = new
        {
            status = report.Status.ToString(),
            totalDurationMs = report.TotalDuration.TotalMilliseconds,
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
        };
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}
