namespace Gmqtt.Protocol;

/// <summary>
/// The MQTT 5.0 properties of a packet (section 2.2.2). A property that is absent is <see langword="null"/>;
/// which properties a packet may carry is checked by the reader and is the writer's caller's duty.
/// </summary>
public sealed class MqttProperties
{
    /// <summary>0x01: 0 = unspecified bytes, 1 = UTF-8 payload.</summary>
    public byte? PayloadFormatIndicator { get; set; }

    /// <summary>0x02: lifetime of the message in seconds.</summary>
    public uint? MessageExpiryInterval { get; set; }

    /// <summary>0x03: MIME type of the payload.</summary>
    public string? ContentType { get; set; }

    /// <summary>0x08: topic for a response.</summary>
    public string? ResponseTopic { get; set; }

    /// <summary>0x09: correlates a response with its request.</summary>
    public ReadOnlyMemory<byte>? CorrelationData { get; set; }

    /// <summary>0x0B: one in SUBSCRIBE; one per matching subscription in PUBLISH from the server.</summary>
    public List<uint>? SubscriptionIdentifiers { get; set; }

    /// <summary>0x11: seconds the session outlives the network connection.</summary>
    public uint? SessionExpiryInterval { get; set; }

    /// <summary>0x12: client identifier assigned by the server.</summary>
    public string? AssignedClientIdentifier { get; set; }

    /// <summary>0x13: keep alive imposed by the server.</summary>
    public ushort? ServerKeepAlive { get; set; }

    /// <summary>0x15: name of the enhanced authentication method.</summary>
    public string? AuthenticationMethod { get; set; }

    /// <summary>0x16: data of the enhanced authentication exchange.</summary>
    public ReadOnlyMemory<byte>? AuthenticationData { get; set; }

    /// <summary>0x17: 0 = no reason strings or user properties except on PUBLISH, CONNACK, DISCONNECT.</summary>
    public byte? RequestProblemInformation { get; set; }

    /// <summary>0x18: seconds to wait before publishing the will.</summary>
    public uint? WillDelayInterval { get; set; }

    /// <summary>0x19: 1 = the client asks for Response Information in CONNACK.</summary>
    public byte? RequestResponseInformation { get; set; }

    /// <summary>0x1A: basis for response topics.</summary>
    public string? ResponseInformation { get; set; }

    /// <summary>0x1C: another server the client may use.</summary>
    public string? ServerReference { get; set; }

    /// <summary>0x1F: human-readable diagnostic text.</summary>
    public string? ReasonString { get; set; }

    /// <summary>0x21: QoS 1/2 publications the sender accepts concurrently.</summary>
    public ushort? ReceiveMaximum { get; set; }

    /// <summary>0x22: highest topic alias the sender accepts.</summary>
    public ushort? TopicAliasMaximum { get; set; }

    /// <summary>0x23: topic alias of a PUBLISH.</summary>
    public ushort? TopicAlias { get; set; }

    /// <summary>0x24: highest QoS the server supports (0 or 1; absent means 2).</summary>
    public byte? MaximumQoS { get; set; }

    /// <summary>0x25: 0 = retained messages are not supported.</summary>
    public byte? RetainAvailable { get; set; }

    /// <summary>0x26: user properties, in order; names may repeat.</summary>
    public List<MqttUserProperty>? UserProperties { get; set; }

    /// <summary>0x27: largest packet the sender accepts, in bytes.</summary>
    public uint? MaximumPacketSize { get; set; }

    /// <summary>0x28: 0 = wildcard subscriptions are not supported.</summary>
    public byte? WildcardSubscriptionAvailable { get; set; }

    /// <summary>0x29: 0 = subscription identifiers are not supported.</summary>
    public byte? SubscriptionIdentifierAvailable { get; set; }

    /// <summary>0x2A: 0 = shared subscriptions are not supported.</summary>
    public byte? SharedSubscriptionAvailable { get; set; }

    /// <summary>Adds a user property at the end.</summary>
    public MqttProperties AddUserProperty(string name, string value)
    {
        (UserProperties ??= []).Add(new MqttUserProperty(name, value));
        return this;
    }
}
