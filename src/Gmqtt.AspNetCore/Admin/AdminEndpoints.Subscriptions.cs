using Gmqtt.Protocol;
using Gmqtt.Protocol.Topics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Gmqtt.AspNetCore.Admin;

internal static partial class AdminEndpoints
{
    public static void MapSubscriptions(RouteGroupBuilder group)
    {
        group.MapGet("/subscriptions", ListSubscriptions)
            .WithName("GmqttListSubscriptions")
            .WithSummary("Lists subscriptions, optionally of one client and/or those whose filter matches a topic name")
            .WithDescription("`topic` is a topic name (no wildcards): a subscription is listed when a message published to it " +
                             "would match its filter (for `$share/{group}/{filter}`, the filter part).");

        // The same handler, the client id from the route (unescaped) rather than the query.
        group.MapGet("/clients/{clientId}/subscriptions", ([FromServices] MqttBroker broker, string clientId, string? topic) =>
                ListSubscriptions(broker, FromPath(clientId), topic))
            .WithName("GmqttListClientSubscriptions")
            .WithSummary("Lists a client's subscriptions");

        group.MapPost("/clients/{clientId}/subscriptions", SubscribeAsync)
            .WithName("GmqttSubscribeClient")
            .WithSummary("Subscribes a client's session on its behalf, as if it had sent SUBSCRIBE")
            .WithDescription("The subscribe hooks, the broker's maximum QoS and the per-client quota decide as for a SUBSCRIBE; the answer " +
                             "carries the QoS granted. Retained messages are delivered as for a SUBSCRIBE (per retainHandling; none for a " +
                             "shared subscription). A subscription to the same filter is replaced. A refusal is a 422 problem whose " +
                             "reasonCode is the one a SUBACK would carry (e.g. 135 Not authorized, 151 Quota exceeded).")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapDelete("/clients/{clientId}/subscriptions", Unsubscribe)
            .WithName("GmqttUnsubscribeClient")
            .WithSummary("Removes one of a client's subscriptions (the filter as subscribed, in the query)");
    }

    internal static Results<Ok<List<AdminSubscription>>, NotFoundProblem, ValidationProblem> ListSubscriptions(
        [FromServices] MqttBroker broker, string? clientId, string? topic)
    {
        // An empty query value is no filter, as a form with an empty field sends it.
        topic = string.IsNullOrEmpty(topic) ? null : topic;
        if (topic is not null && AdminValidator.InvalidTopicName("topic", topic) is { } invalid)
        {
            return invalid;
        }

        IEnumerable<MqttClientSnapshot> clients;
        if (string.IsNullOrEmpty(clientId))
        {
            clients = broker.GetClients();
        }
        else if (broker.GetClient(clientId) is { } client)
        {
            clients = [client];
        }
        else
        {
            return AdminProblems.NoSession(clientId);
        }

        return TypedResults.Ok(clients
            .SelectMany(c => c.Subscriptions.Where(s => topic is null || FilterMatches(s.Filter, topic)).Select(s => AdminMapper.ToSubscription(c.ClientId, s)))
            .ToList());
    }

    internal static async Task<Results<Created<AdminSubscription>, NotFoundProblem, ValidationProblem, ProblemHttpResult>> SubscribeAsync(
        [FromServices] MqttBroker broker, string clientId, AdminSubscribeRequest request, CancellationToken cancellationToken)
    {
        clientId = FromPath(clientId);
        var validator = new AdminValidator();
        validator.SubscriptionFilter("filter", request.Filter);
        validator.Range("qos", request.Qos, 0, 2);
        validator.Range("retainHandling", request.RetainHandling, 0, 2);
        if (request.NoLocal && request.Filter is not null && MqttTopic.IsShared(request.Filter))
        {
            validator.Add("noLocal", "Not allowed on a shared subscription [MQTT-3.8.3-4].");
        }

        if (request.Filter is not null && MqttTopic.IsShared(request.Filter) && !broker.Options.SharedSubscriptionsAvailable)
        {
            validator.Add("filter", "Shared subscriptions are turned off (SharedSubscriptionsAvailable).");
        }

        if (!validator.IsValid)
        {
            return validator.Problem();
        }

        var filter = AdminMapper.ToFilter(request);
        return await broker.SubscribeAsync(clientId, filter, cancellationToken).ConfigureAwait(false) switch
        {
            null => AdminProblems.NoSession(clientId),
            { } refused when refused >= MqttReasonCode.UnspecifiedError => AdminProblems.SubscriptionRefused(clientId, filter.Filter, refused),
            { } granted => TypedResults.Created((string?)null, AdminMapper.ToSubscription(clientId, filter) with { Qos = (int)granted }),
        };
    }

    internal static Results<NoContent, NotFoundProblem, ValidationProblem> Unsubscribe(
        [FromServices] MqttBroker broker, string clientId, string? filter)
    {
        clientId = FromPath(clientId);
        if (string.IsNullOrEmpty(filter))
        {
            var validator = new AdminValidator();
            validator.Add("filter", "The filter to remove is required (?filter=...).");
            return validator.Problem();
        }

        if (broker.Unsubscribe(clientId, filter))
        {
            return TypedResults.NoContent();
        }

        return broker.GetClient(clientId) is null
            ? AdminProblems.NoSession(clientId)
            : AdminProblems.NotFound($"Client '{clientId}' has no subscription to '{filter}'.");
    }

    private static bool FilterMatches(string filter, string topic) =>
        MqttTopic.TryParseShared(filter, out _, out var shared) ? MqttTopic.Matches(topic, shared) : MqttTopic.Matches(topic, filter);
}
