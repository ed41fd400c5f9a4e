namespace Gmqtt.Protocol;

/// <summary>The MQTT 5.0 reason codes (section 2.4). Values below 0x80 indicate success.</summary>
public enum MqttReasonCode : byte
{
    /// <summary>Success; in DISCONNECT, normal disconnection; in SUBACK, granted QoS 0.</summary>
    Success = 0x00,
    /// <summary>SUBACK: granted QoS 1.</summary>
    GrantedQoS1 = 0x01,
    /// <summary>SUBACK: granted QoS 2.</summary>
    GrantedQoS2 = 0x02,
    /// <summary>DISCONNECT: the client wants its will message published.</summary>
    DisconnectWithWillMessage = 0x04,
    /// <summary>PUBACK/PUBREC: accepted, but nobody is subscribed.</summary>
    NoMatchingSubscribers = 0x10,
    /// <summary>UNSUBACK: no such subscription existed.</summary>
    NoSubscriptionExisted = 0x11,
    /// <summary>AUTH: continue the authentication exchange.</summary>
    ContinueAuthentication = 0x18,
    /// <summary>AUTH: start re-authentication.</summary>
    ReAuthenticate = 0x19,
    /// <summary>Unspecified error.</summary>
    UnspecifiedError = 0x80,
    /// <summary>The packet could not be parsed according to the specification.</summary>
    MalformedPacket = 0x81,
    /// <summary>The packet is well formed but not allowed at this point.</summary>
    ProtocolError = 0x82,
    /// <summary>Valid packet refused by this implementation.</summary>
    ImplementationSpecificError = 0x83,
    /// <summary>CONNACK: the protocol level is not supported.</summary>
    UnsupportedProtocolVersion = 0x84,
    /// <summary>CONNACK: the client identifier is not valid.</summary>
    ClientIdentifierNotValid = 0x85,
    /// <summary>CONNACK: wrong user name or password.</summary>
    BadUserNameOrPassword = 0x86,
    /// <summary>Not authorized.</summary>
    NotAuthorized = 0x87,
    /// <summary>CONNACK: the server is unavailable.</summary>
    ServerUnavailable = 0x88,
    /// <summary>The server is busy.</summary>
    ServerBusy = 0x89,
    /// <summary>CONNACK: the client is banned.</summary>
    Banned = 0x8A,
    /// <summary>DISCONNECT: the server is shutting down.</summary>
    ServerShuttingDown = 0x8B,
    /// <summary>The authentication method is not supported.</summary>
    BadAuthenticationMethod = 0x8C,
    /// <summary>DISCONNECT: no packet within 1.5 times the keep alive.</summary>
    KeepAliveTimeout = 0x8D,
    /// <summary>DISCONNECT: another connection took over the session.</summary>
    SessionTakenOver = 0x8E,
    /// <summary>The topic filter is well formed but not accepted.</summary>
    TopicFilterInvalid = 0x8F,
    /// <summary>The topic name is well formed but not accepted.</summary>
    TopicNameInvalid = 0x90,
    /// <summary>The packet identifier is already in use.</summary>
    PacketIdentifierInUse = 0x91,
    /// <summary>The packet identifier is not known.</summary>
    PacketIdentifierNotFound = 0x92,
    /// <summary>More QoS 1/2 publications in flight than Receive Maximum allows.</summary>
    ReceiveMaximumExceeded = 0x93,
    /// <summary>The topic alias is 0 or above the maximum.</summary>
    TopicAliasInvalid = 0x94,
    /// <summary>The packet exceeds the maximum packet size.</summary>
    PacketTooLarge = 0x95,
    /// <summary>The message rate is too high.</summary>
    MessageRateTooHigh = 0x96,
    /// <summary>An implementation or administrative quota is exceeded.</summary>
    QuotaExceeded = 0x97,
    /// <summary>DISCONNECT: closed by an administrative action.</summary>
    AdministrativeAction = 0x98,
    /// <summary>The payload does not match the payload format indicator.</summary>
    PayloadFormatInvalid = 0x99,
    /// <summary>Retained messages are not supported.</summary>
    RetainNotSupported = 0x9A,
    /// <summary>The QoS is above the maximum QoS.</summary>
    QoSNotSupported = 0x9B,
    /// <summary>The client should temporarily use another server.</summary>
    UseAnotherServer = 0x9C,
    /// <summary>The client should permanently use another server.</summary>
    ServerMoved = 0x9D,
    /// <summary>Shared subscriptions are not supported.</summary>
    SharedSubscriptionsNotSupported = 0x9E,
    /// <summary>The connection rate limit has been exceeded.</summary>
    ConnectionRateExceeded = 0x9F,
    /// <summary>DISCONNECT: the maximum connection time was reached.</summary>
    MaximumConnectTime = 0xA0,
    /// <summary>Subscription identifiers are not supported.</summary>
    SubscriptionIdentifiersNotSupported = 0xA1,
    /// <summary>Wildcard subscriptions are not supported.</summary>
    WildcardSubscriptionsNotSupported = 0xA2,
}
