namespace Gmqtt;

/// <summary>What to drop when a session's queue is full.</summary>
public enum MqttQueueOverflowPolicy
{
    /// <summary>Drop the message being queued.</summary>
    DropNewest,

    /// <summary>Drop the oldest queued message to make room.</summary>
    DropOldest,
}
