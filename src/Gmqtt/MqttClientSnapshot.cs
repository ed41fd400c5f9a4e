using System.Net;
using Gmqtt.Protocol;

namespace Gmqtt;

/// <summary>A point-in-time view of a session and, when online, its connection.</summary>
/// <param name="ClientId">The client identifier.</param>
/// <param name="Connected">Whether a connection is attached.</param>
/// <param name="CleanSession">Whether the session ends with its connection.</param>
/// <param name="ProtocolVersion">The protocol version of the last connection.</param>
/// <param name="UserName">The user name of the live connection, if any.</param>
/// <param name="RemoteEndPoint">The peer of the live connection, if any.</param>
/// <param name="Transport">"tcp", "tls", "ws" or "wss" for the live connection.</param>
/// <param name="ConnectedAt">When the live connection was accepted.</param>
/// <param name="KeepAlive">The keep alive in force, in seconds.</param>
/// <param name="Subscriptions">The session's subscriptions.</param>
/// <param name="QueuedMessages">Messages waiting behind the in-flight window.</param>
/// <param name="InflightMessages">QoS 1/2 messages sent and not yet acknowledged.</param>
/// <param name="SessionExpiryInterval">Seconds the session outlives its connection (0: ends with it; 4294967295: never expires).</param>
/// <param name="MessagesReceived">PUBLISH packets received on the live connection (0 when offline).</param>
/// <param name="MessagesSent">PUBLISH packets sent on the live connection (0 when offline).</param>
/// <param name="BytesReceived">MQTT bytes received on the live connection (0 when offline).</param>
/// <param name="BytesSent">MQTT bytes sent on the live connection (0 when offline).</param>
/// <param name="PendingRetainedMessages">
/// Retained messages owed to new subscriptions and not sent yet. Not in <paramref name="QueuedMessages"/>: they are
/// taken from the retained store as the client can receive them, and no queue limit applies to them.
/// </param>
public sealed record MqttClientSnapshot(
    string ClientId,
    bool Connected,
    bool CleanSession,
    MqttProtocolVersion ProtocolVersion,
    string? UserName,
    EndPoint? RemoteEndPoint,
    string? Transport,
    DateTimeOffset? ConnectedAt,
    int KeepAlive,
    IReadOnlyList<MqttTopicFilter> Subscriptions,
    int QueuedMessages,
    int InflightMessages,
    uint SessionExpiryInterval,
    long MessagesReceived,
    long MessagesSent,
    long BytesReceived,
    long BytesSent,
    int PendingRetainedMessages);
