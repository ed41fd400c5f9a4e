namespace Gmqtt;

/// <summary>How a shared subscription group chooses the member that receives a message.</summary>
public enum MqttSharedSubscriptionStrategy
{
    /// <summary>Members take turns.</summary>
    RoundRobin,

    /// <summary>A random member.</summary>
    Random,

    /// <summary>The member chosen by a hash of the publisher's client identifier (one publisher, one member).</summary>
    HashClientId,

    /// <summary>The member chosen by a hash of the topic (one topic, one member).</summary>
    HashTopic,

    /// <summary>The same member until it goes away.</summary>
    Sticky,
}
