using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Gmqtt.AspNetCore.Admin;

internal static partial class AdminEndpoints
{
    private const int DefaultPageSize = 50;

    /// <summary>
    /// A route value as it was meant. The server decodes the path except <c>%2F</c>, which it keeps so that segments
    /// stay apart; a client id or topic with a slash can only travel that way (Swagger UI's encodeURIComponent does).
    /// </summary>
    internal static string FromPath(string value) => value.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// <c>/clients</c> and <c>/sessions</c> are one resource seen two ways (the broker keeps a session per client
    /// identifier, online or not): the same handlers serve both; only clients can be disconnected.
    /// </summary>
    public static void MapSessions(RouteGroupBuilder group)
    {
        foreach (var (path, noun) in new[] { ("clients", "Client"), ("sessions", "Session") })
        {
            group.MapGet($"/{path}", ListSessions)
                .WithName($"GmqttList{noun}s")
                .WithSummary($"Lists {path}, online and offline, a page at a time")
                .WithDescription("Ordered by client identifier. `connected` keeps only online (true) or offline (false) sessions (empty: all); " +
                                 "`search` keeps those whose client identifier or user name contains it (case-insensitive).");

            group.MapGet($"/{path}/{{clientId}}", GetSession)
                .WithName($"GmqttGet{noun}")
                .WithSummary($"Gets one {noun.ToLowerInvariant()}: version, endpoint, keep alive, queue and in-flight depth, counters, subscriptions");
        }

        group.MapDelete("/clients/{clientId}", DisconnectClientAsync)
            .WithName("GmqttDisconnectClient")
            .WithSummary("Disconnects a client (MQTT 5.0: DISCONNECT 0x98); with endSession=true also discards its session")
            .WithDescription("404 when the client has no session, or is offline and endSession is false.");
    }

    internal static Results<Ok<AdminClientPage>, ValidationProblem> ListSessions(
        [FromServices] MqttBroker broker, int? page, int? pageSize, string? connected, string? search)
    {
        var validator = new AdminValidator();
        validator.Range("page", page ?? 1, 1, int.MaxValue);
        validator.Range("pageSize", pageSize ?? DefaultPageSize, 1, AdminValidator.MaxPageSize);
        var connectedFilter = validator.OptionalBoolean("connected", connected);
        if (!validator.IsValid)
        {
            return validator.Problem();
        }

        IEnumerable<MqttClientSnapshot> matching = broker.GetClients();
        if (connectedFilter is { } online)
        {
            matching = matching.Where(c => c.Connected == online);
        }

        if (!string.IsNullOrEmpty(search))
        {
            matching = matching.Where(c => c.ClientId.Contains(search, StringComparison.OrdinalIgnoreCase) ||
                                           (c.UserName?.Contains(search, StringComparison.OrdinalIgnoreCase) ?? false));
        }

        var all = matching.ToList();
        var (number, size) = (page ?? 1, pageSize ?? DefaultPageSize);
        var skip = (long)(number - 1) * size;
        List<AdminClient> items = skip >= all.Count ? [] : all.Skip((int)skip).Take(size).Select(AdminMapper.ToClient).ToList();
        return TypedResults.Ok(new AdminClientPage(items, number, size, all.Count));
    }

    internal static Results<Ok<AdminClient>, NotFoundProblem> GetSession([FromServices] MqttBroker broker, string clientId)
    {
        clientId = FromPath(clientId);
        return broker.GetClient(clientId) is { } client ? TypedResults.Ok(AdminMapper.ToClient(client)) : AdminProblems.NoSession(clientId);
    }

    internal static async Task<Results<NoContent, NotFoundProblem, ValidationProblem>> DisconnectClientAsync(
        [FromServices] MqttBroker broker, string clientId, string? endSession)
    {
        clientId = FromPath(clientId);
        var validator = new AdminValidator();
        var end = validator.OptionalBoolean("endSession", endSession) ?? false;
        if (!validator.IsValid)
        {
            return validator.Problem();
        }

        if (await broker.DisconnectClientAsync(clientId, end).ConfigureAwait(false))
        {
            return TypedResults.NoContent();
        }

        return broker.GetClient(clientId) is null
            ? AdminProblems.NoSession(clientId)
            : AdminProblems.NotFound($"Client '{clientId}' is not connected; its session is kept (endSession=true discards it).");
    }
}
