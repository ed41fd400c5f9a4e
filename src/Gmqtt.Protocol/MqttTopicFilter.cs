namespace Gmqtt.Protocol;

/// <summary>One topic filter of a SUBSCRIBE packet with its subscription options.</summary>
public sealed class MqttTopicFilter
{
    /// <summary>The topic filter, possibly with wildcards or a <c>$share/{group}/</c> prefix.</summary>
    public required string Filter { get; set; }

    /// <summary>The maximum QoS the subscriber wants to receive.</summary>
    public MqttQualityOfService MaximumQoS { get; set; }

    /// <summary>MQTT 5.0: do not deliver the subscriber's own publications back to it.</summary>
    public bool NoLocal { get; set; }

    /// <summary>MQTT 5.0: forward the RETAIN flag as published instead of clearing it.</summary>
    public bool RetainAsPublished { get; set; }

    /// <summary>MQTT 5.0: when retained messages are sent on subscribe.</summary>
    public MqttRetainHandling RetainHandling { get; set; }
}
