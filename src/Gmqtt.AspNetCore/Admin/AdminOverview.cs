namespace Gmqtt.AspNetCore.Admin;

/// <summary>The broker at a glance. Counters are cumulative since start; rates are over the last second.</summary>
/// <param name="Version">The Gmqtt version.</param>
/// <param name="StartedAt">When the broker started.</param>
/// <param name="UptimeSeconds">Seconds since it started.</param>
/// <param name="Connections">Open MQTT connections.</param>
/// <param name="Sessions">Sessions, online and offline.</param>
/// <param name="OfflineSessions">Sessions without a connection.</param>
/// <param name="Subscriptions">Subscriptions over all sessions.</param>
/// <param name="RetainedMessages">Retained messages.</param>
/// <param name="MessagesReceived">PUBLISH packets received from clients.</param>
/// <param name="MessagesSent">PUBLISH packets sent to clients.</param>
/// <param name="BytesReceived">MQTT bytes received.</param>
/// <param name="BytesSent">MQTT bytes sent.</param>
/// <param name="MessagesDropped">Messages that did not reach a subscriber (full queue, offline QoS 0, expired, too large, session ended).</param>
/// <param name="ConnectFailures">CONNECT attempts refused.</param>
/// <param name="AuthFailures">Failed authentications.</param>
/// <param name="MessagesReceivedPerSecond">PUBLISH packets received per second, over the last sample.</param>
/// <param name="MessagesSentPerSecond">PUBLISH packets sent per second, over the last sample.</param>
/// <param name="BytesReceivedPerSecond">Bytes received per second, over the last sample.</param>
/// <param name="BytesSentPerSecond">Bytes sent per second, over the last sample.</param>
public sealed record AdminOverview(
    string Version,
    DateTimeOffset StartedAt,
    double UptimeSeconds,
    int Connections,
    int Sessions,
    int OfflineSessions,
    int Subscriptions,
    int RetainedMessages,
    long MessagesReceived,
    long MessagesSent,
    long BytesReceived,
    long BytesSent,
    long MessagesDropped,
    long ConnectFailures,
    long AuthFailures,
    double MessagesReceivedPerSecond,
    double MessagesSentPerSecond,
    double BytesReceivedPerSecond,
    double BytesSentPerSecond);
