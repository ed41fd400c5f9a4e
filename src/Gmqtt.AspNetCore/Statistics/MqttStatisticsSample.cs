namespace Gmqtt.AspNetCore.Statistics;

/// <summary>One second of broker traffic, as <see cref="GmqttStatisticsHistory"/> keeps it.</summary>
/// <param name="At">When the sample was taken.</param>
/// <param name="MessagesReceivedPerSecond">PUBLISH packets received from clients per second since the previous sample.</param>
/// <param name="MessagesSentPerSecond">PUBLISH packets sent to clients per second since the previous sample.</param>
/// <param name="BytesReceivedPerSecond">MQTT bytes received per second since the previous sample.</param>
/// <param name="BytesSentPerSecond">MQTT bytes sent per second since the previous sample.</param>
/// <param name="Connections">Open MQTT connections when the sample was taken.</param>
public sealed record MqttStatisticsSample(
    DateTimeOffset At,
    double MessagesReceivedPerSecond,
    double MessagesSentPerSecond,
    double BytesReceivedPerSecond,
    double BytesSentPerSecond,
    int Connections);
