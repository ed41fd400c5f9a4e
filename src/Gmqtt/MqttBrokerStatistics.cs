namespace Gmqtt;

/// <summary>
/// A point-in-time view of the broker's counters (<see cref="MqttBroker.GetStatistics"/>). Counters are cumulative
/// since the broker started; <see cref="Connections"/> and the counts after it are current values.
/// </summary>
/// <param name="MessagesReceived">PUBLISH packets received from clients.</param>
/// <param name="MessagesSent">PUBLISH packets sent to clients (re-deliveries included).</param>
/// <param name="BytesReceived">MQTT bytes received on all connections, closed ones included.</param>
/// <param name="BytesSent">MQTT bytes sent on all connections, closed ones included.</param>
/// <param name="MessagesDropped">Messages that did not reach a subscriber (full queue, offline QoS 0, expired, too large, session ended).</param>
/// <param name="ConnectFailures">CONNECT attempts answered with a failing CONNACK.</param>
/// <param name="AuthFailures">Failed authentications: bad user name or password, not authorized, failed enhanced authentication or re-authentication.</param>
/// <param name="Connections">Open MQTT connections, including those that have not sent CONNECT yet.</param>
/// <param name="Sessions">Sessions, online and offline.</param>
/// <param name="OfflineSessions">Sessions without a connection.</param>
/// <param name="Subscriptions">Subscriptions over all sessions.</param>
/// <param name="RetainedMessages">Retained messages.</param>
public sealed record MqttBrokerStatistics(
    long MessagesReceived,
    long MessagesSent,
    long BytesReceived,
    long BytesSent,
    long MessagesDropped,
    long ConnectFailures,
    long AuthFailures,
    int Connections,
    int Sessions,
    int OfflineSessions,
    int Subscriptions,
    int RetainedMessages);
