namespace Gmqtt.Hooks;

/// <summary>Why a message did not reach a subscriber.</summary>
public enum MqttDropReason
{
    /// <summary>The session's queue was full.</summary>
    QueueFull,
    /// <summary>A QoS 0 message for an offline session (see <see cref="MqttBrokerOptions.QueueQoS0WhenOffline"/>).</summary>
    OfflineQoS0,
    /// <summary>The session ended with the message still queued.</summary>
    SessionEnded,
}
