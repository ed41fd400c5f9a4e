using System.Text;
using Gmqtt.Protocol.Topics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gmqtt.AspNetCore.Admin;

/// <summary>
/// Collects what is wrong with a request, field by field, for one RFC 9457 validation problem (400). Topics and
/// filters are checked with the codec's rules, so the API refuses exactly what a client's packet would be refused for.
/// </summary>
internal sealed class AdminValidator
{
    /// <summary>Bounds of <c>pageSize</c>; a page of 1000 sessions is already a large response.</summary>
    public const int MaxPageSize = 1000;

    private Dictionary<string, string[]>? _errors;

    public bool IsValid => _errors is null;

    public ValidationProblem Problem() =>
        TypedResults.ValidationProblem(_errors ?? [], detail: "The request has invalid fields; see errors.");

    public void Add(string field, string message)
    {
        _errors ??= new(StringComparer.Ordinal);
        _errors[field] = _errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];
    }

    /// <summary>The 400 for a request whose only input to check is a topic name; <see langword="null"/> when it is valid.</summary>
    public static ValidationProblem? InvalidTopicName(string field, string? topic)
    {
        var validator = new AdminValidator();
        validator.TopicName(field, topic);
        return validator.IsValid ? null : validator.Problem();
    }

    public void TopicName(string field, string? topic)
    {
        if (string.IsNullOrEmpty(topic))
        {
            Add(field, "A topic name is required.");
        }
        else if (!MqttTopic.IsValidTopicName(topic) || !WithinLimits(topic))
        {
            Add(field, $"'{topic}' is not a valid topic name: no '+' or '#', no U+0000, at most {MqttTopic.MaxLength} UTF-8 bytes.");
        }
    }

    /// <summary>A filter to subscribe with: shared filters allowed, in their <c>$share/{group}/{filter}</c> form.</summary>
    public void SubscriptionFilter(string field, string? filter)
    {
        if (string.IsNullOrEmpty(filter))
        {
            Add(field, "A topic filter is required.");
        }
        else if (!(MqttTopic.IsShared(filter) ? MqttTopic.IsValidSharedFilter(filter) : MqttTopic.IsValidTopicFilter(filter)) || !WithinLimits(filter))
        {
            Add(field, $"'{filter}' is not a valid topic filter: '#' only last and alone in its level, '+' alone in its level, a $share/ filter as $share/{{group}}/{{filter}}.");
        }
    }

    /// <summary>A filter to match topic names with (retained messages): no <c>$share/</c>.</summary>
    public void MatchFilter(string field, string filter)
    {
        if (MqttTopic.IsShared(filter) || !MqttTopic.IsValidTopicFilter(filter) || !WithinLimits(filter))
        {
            Add(field, $"'{filter}' is not a valid topic filter: '#' only last and alone in its level, '+' alone in its level.");
        }
    }

    public void Range(string field, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            Add(field, $"Must be between {min} and {max}.");
        }
    }

    /// <summary>
    /// "true" or "false" (any case); absent or empty is no value. Bound by hand because minimal APIs refuse an empty
    /// query value for <c>bool?</c>, and <c>connected=</c> is how a form says "either".
    /// </summary>
    public bool? OptionalBoolean(string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (bool.TryParse(value, out var parsed))
        {
            return parsed;
        }

        Add(field, "Must be true, false or empty.");
        return null;
    }

    /// <summary>Decodes <paramref name="value"/>, or records that it is not well-formed base64.</summary>
    public byte[]? Base64(string field, string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (!System.Buffers.Text.Base64.IsValid(value, out var length))
        {
            Add(field, "Not well-formed base64.");
            return null;
        }

        var bytes = new byte[length];
        Convert.TryFromBase64String(value, bytes, out _);
        return bytes;
    }

    public void Utf8(string field, ReadOnlySpan<byte> payload)
    {
        if (!System.Text.Unicode.Utf8.IsValid(payload))
        {
            Add(field, "The payload is marked as UTF-8 (payloadFormatIndicator 1) but is not valid UTF-8.");
        }
    }

    // U+0000 is forbidden in MQTT strings [MQTT-1.5.4-2]; the length is what a 2-byte prefix can carry [MQTT-4.7.3-3].
    private static bool WithinLimits(string value) =>
        !value.Contains('\0', StringComparison.Ordinal) && Encoding.UTF8.GetByteCount(value) <= MqttTopic.MaxLength;
}
