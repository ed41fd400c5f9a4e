using Gmqtt.Protocol;

namespace Gmqtt.AspNetCore.Admin;

/// <summary>Broker types to the admin API's JSON shapes, and back for requests.</summary>
internal static class AdminMapper
{
    public static AdminClient ToClient(MqttClientSnapshot client) => new(
        client.ClientId,
        client.Connected,
        client.CleanSession,
        ToVersion(client.ProtocolVersion),
        client.UserName,
        client.RemoteEndPoint?.ToString(),
        client.Transport,
        client.ConnectedAt,
        client.KeepAlive,
        [.. client.Subscriptions.Select(s => ToSubscription(client.ClientId, s))],
        client.QueuedMessages,
        client.InflightMessages,
        client.SessionExpiryInterval,
        client.MessagesReceived,
        client.MessagesSent,
        client.BytesReceived,
        client.BytesSent);

    public static AdminSubscription ToSubscription(string clientId, MqttTopicFilter filter) => new(
        clientId,
        filter.Filter,
        (int)filter.MaximumQoS,
        filter.NoLocal,
        filter.RetainAsPublished,
        (int)filter.RetainHandling);

    public static MqttTopicFilter ToFilter(AdminSubscribeRequest request) => new()
    {
        Filter = request.Filter!,
        MaximumQoS = (MqttQualityOfService)request.Qos,
        NoLocal = request.NoLocal,
        RetainAsPublished = request.RetainAsPublished,
        RetainHandling = (MqttRetainHandling)request.RetainHandling,
    };

    public static string ToVersion(MqttProtocolVersion version) => version switch
    {
        MqttProtocolVersion.V310 => "3.1",
        MqttProtocolVersion.V311 => "3.1.1",
        MqttProtocolVersion.V500 => "5.0",
        _ => version.ToString(),
    };

    public static AdminRetainedMessage ToRetained(MqttApplicationMessage message, uint? remainingExpiry)
    {
        var payload = message.Payload.Span;
        var properties = message.Properties;
        return new AdminRetainedMessage(
            message.Topic,
            System.Text.Unicode.Utf8.IsValid(payload) ? System.Text.Encoding.UTF8.GetString(payload) : null,
            Convert.ToBase64String(payload),
            payload.Length,
            (int)message.QoS,
            properties?.ContentType,
            properties?.PayloadFormatIndicator,
            properties?.ResponseTopic,
            properties?.CorrelationData is { } correlation ? Convert.ToBase64String(correlation.Span) : null,
            remainingExpiry,
            properties?.UserProperties?.Select(p => new AdminUserProperty(p.Name, p.Value)).ToList(),
            message.SenderClientId);
    }

    /// <summary>The message of a validated request; the MQTT 5.0 properties only when one is given.</summary>
    public static MqttApplicationMessage ToMessage(AdminPublishRequest request, byte[] payload, byte[]? correlationData)
    {
        MqttProperties? properties = null;
        if (request.ContentType is not null || request.ResponseTopic is not null || correlationData is not null ||
            request.MessageExpiryInterval is not null || request.PayloadFormatIndicator is not null || request.UserProperties is { Count: > 0 })
        {
            properties = new MqttProperties
            {
                ContentType = request.ContentType,
                ResponseTopic = request.ResponseTopic,
                // Not "x is null ? null : x": null converts to ReadOnlyMemory<byte> through byte[] and would become empty data.
                CorrelationData = correlationData is null ? (ReadOnlyMemory<byte>?)null : correlationData,
                MessageExpiryInterval = request.MessageExpiryInterval,
                PayloadFormatIndicator = (byte?)request.PayloadFormatIndicator,
                UserProperties = request.UserProperties?.Select(p => new MqttUserProperty(p.Name, p.Value)).ToList(),
            };
        }

        return new MqttApplicationMessage
        {
            Topic = request.Topic!,
            Payload = payload,
            QoS = (MqttQualityOfService)request.Qos,
            Retain = request.Retain,
            Properties = properties,
        };
    }
}
