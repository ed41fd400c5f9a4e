using System.ComponentModel.DataAnnotations;

namespace Gmqtt.AspNetCore.Admin;

/// <summary>
/// A message to publish as if a client had sent it. <see cref="Payload"/> (UTF-8 text) and
/// <see cref="PayloadBase64"/> exclude each other; with neither, the payload is empty (which, retained, clears the
/// topic's retained message). The MQTT 5.0 properties are optional and reach MQTT 5.0 subscribers only.
/// </summary>
public sealed record AdminPublishRequest
{
    /// <summary>The topic name (no wildcards).</summary>
    [Required]
    public string? Topic { get; init; }

    /// <summary>The payload as text, sent as UTF-8.</summary>
    public string? Payload { get; init; }

    /// <summary>The payload as base64, for binary payloads.</summary>
    public string? PayloadBase64 { get; init; }

    /// <summary>The QoS: 0, 1 or 2.</summary>
    [Range(0, 2)]
    public int Qos { get; init; }

    /// <summary>Whether to retain it (the topic's retained message is replaced).</summary>
    public bool Retain { get; init; }

    /// <summary>MQTT 5.0 Content Type.</summary>
    public string? ContentType { get; init; }

    /// <summary>MQTT 5.0 Response Topic (a topic name).</summary>
    public string? ResponseTopic { get; init; }

    /// <summary>MQTT 5.0 Correlation Data, as base64.</summary>
    public string? CorrelationDataBase64 { get; init; }

    /// <summary>MQTT 5.0 Message Expiry Interval, in seconds.</summary>
    public uint? MessageExpiryInterval { get; init; }

    /// <summary>MQTT 5.0 Payload Format Indicator: 0 bytes, 1 UTF-8 text (the payload must then be valid UTF-8).</summary>
    [Range(0, 1)]
    public int? PayloadFormatIndicator { get; init; }

    /// <summary>MQTT 5.0 user properties, in order.</summary>
    public IReadOnlyList<AdminUserProperty>? UserProperties { get; init; }
}
