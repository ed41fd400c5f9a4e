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
    /// <summary>Its MQTT 5.0 Message Expiry Interval passed before it could be sent [MQTT-3.3.2-5].</summary>
    Expired,
    /// <summary>It is larger than the Maximum Packet Size the client accepts [MQTT-3.1.2-25].</summary>
    PacketTooLarge,
}
