namespace Gmqtt.AspNetCore.Admin;

/// <summary>A retained message.</summary>
/// <param name="Topic">The topic name.</param>
/// <param name="Payload">The payload as text when it is valid UTF-8, otherwise <see langword="null"/>.</param>
/// <param name="PayloadBase64">The payload as base64.</param>
/// <param name="PayloadSize">The payload's length in bytes.</param>
/// <param name="Qos">The QoS it was published with.</param>
/// <param name="ContentType">MQTT 5.0 Content Type.</param>
/// <param name="PayloadFormatIndicator">MQTT 5.0 Payload Format Indicator.</param>
/// <param name="ResponseTopic">MQTT 5.0 Response Topic.</param>
/// <param name="CorrelationDataBase64">MQTT 5.0 Correlation Data, as base64.</param>
/// <param name="MessageExpiryInterval">MQTT 5.0: seconds left before it expires, or <see langword="null"/> when it does not expire.</param>
/// <param name="UserProperties">MQTT 5.0 user properties, in order.</param>
/// <param name="SenderClientId">The client that published it, or <see langword="null"/> for the server-side API.</param>
public sealed record AdminRetainedMessage(
    string Topic,
    string? Payload,
    string PayloadBase64,
    int PayloadSize,
    int Qos,
    string? ContentType,
    int? PayloadFormatIndicator,
    string? ResponseTopic,
    string? CorrelationDataBase64,
    uint? MessageExpiryInterval,
    IReadOnlyList<AdminUserProperty>? UserProperties,
    string? SenderClientId);
