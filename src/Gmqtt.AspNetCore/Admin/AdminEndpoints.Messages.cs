using System.Text;
using Gmqtt.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Gmqtt.AspNetCore.Admin;

internal static partial class AdminEndpoints
{
    public static void MapMessages(RouteGroupBuilder group)
    {
        group.MapPost("/publish", PublishAsync)
            .WithName("GmqttPublish")
            .WithSummary("Publishes a message as if a client had sent it")
            .WithDescription("Publish hooks run, RETAIN is honoured (an empty retained payload clears the topic), and every matching " +
                             "subscriber gets a copy. The answer carries the reason code a PUBACK would: 0 Success, 16 No matching " +
                             "subscribers, 128 and above a hook's refusal.");

        group.MapGet("/retained", ListRetained)
            .WithName("GmqttListRetained")
            .WithSummary("Lists retained messages whose topic matches a filter (default #; use $SYS/# for $ topics)");

        group.MapGet("/retained/{**topic}", GetRetained)
            .WithName("GmqttGetRetained")
            .WithSummary("Gets the retained message of a topic (the rest of the path is the topic name)");

        group.MapDelete("/retained/{**topic}", DeleteRetained)
            .WithName("GmqttDeleteRetained")
            .WithSummary("Clears the retained message of a topic");
    }

    internal static async Task<Results<Ok<AdminPublishResponse>, ValidationProblem>> PublishAsync(
        [FromServices] MqttBroker broker, AdminPublishRequest request, CancellationToken cancellationToken)
    {
        var validator = new AdminValidator();
        validator.TopicName("topic", request.Topic);
        validator.Range("qos", request.Qos, 0, 2);
        if (request.Payload is not null && request.PayloadBase64 is not null)
        {
            validator.Add("payloadBase64", "Give payload or payloadBase64, not both.");
        }

        var payload = request.Payload is not null ? Encoding.UTF8.GetBytes(request.Payload) : validator.Base64("payloadBase64", request.PayloadBase64) ?? [];
        var correlationData = validator.Base64("correlationDataBase64", request.CorrelationDataBase64);
        if (request.ResponseTopic is not null)
        {
            validator.TopicName("responseTopic", request.ResponseTopic); // [MQTT-3.3.2-14]: a topic name, no wildcards.
        }

        if (request.PayloadFormatIndicator is { } format)
        {
            validator.Range("payloadFormatIndicator", format, 0, 1);
            if (format == 1)
            {
                validator.Utf8("payloadBase64", payload);
            }
        }

        if (request.UserProperties?.Any(p => p?.Name is null || p.Value is null) ?? false)
        {
            validator.Add("userProperties", "Every user property needs a name and a value.");
        }

        if (!validator.IsValid)
        {
            return validator.Problem();
        }

        var code = await broker.PublishAsync(AdminMapper.ToMessage(request, payload, correlationData), cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new AdminPublishResponse((int)code, code.ToString()));
    }

    internal static Results<Ok<List<AdminRetainedMessage>>, ValidationProblem> ListRetained([FromServices] MqttBroker broker, string? filter)
    {
        filter ??= "#";
        var validator = new AdminValidator();
        validator.MatchFilter("filter", filter);
        if (!validator.IsValid)
        {
            return validator.Problem();
        }

        return TypedResults.Ok(broker.RetainedMessages.Match(filter)
            .Select(m => Retained(broker, m))
            .OfType<AdminRetainedMessage>()
            .OrderBy(m => m.Topic, StringComparer.Ordinal)
            .ToList());
    }

    internal static Results<Ok<AdminRetainedMessage>, NotFoundProblem, ValidationProblem> GetRetained([FromServices] MqttBroker broker, string topic)
    {
        topic = FromPath(topic);
        if (AdminValidator.InvalidTopicName("topic", topic) is { } invalid)
        {
            return invalid;
        }

        return broker.RetainedMessages.Get(topic) is { } message && Retained(broker, message) is { } retained
            ? TypedResults.Ok(retained)
            : NoRetained(topic);
    }

    internal static Results<NoContent, NotFoundProblem, ValidationProblem> DeleteRetained([FromServices] MqttBroker broker, string topic)
    {
        topic = FromPath(topic);
        if (AdminValidator.InvalidTopicName("topic", topic) is { } invalid)
        {
            return invalid;
        }

        return broker.RetainedMessages.Remove(topic) ? TypedResults.NoContent() : NoRetained(topic);
    }

    /// <summary>The API's view of a retained message; <see langword="null"/> once it has expired, as no subscriber would get it then.</summary>
    private static AdminRetainedMessage? Retained(MqttBroker broker, MqttApplicationMessage message)
    {
        var remaining = broker.GetRemainingExpiry(message);
        return remaining == 0 ? null : AdminMapper.ToRetained(message, remaining);
    }

    private static NotFoundProblem NoRetained(string topic) => AdminProblems.NotFound($"No retained message on '{topic}'.");
}
