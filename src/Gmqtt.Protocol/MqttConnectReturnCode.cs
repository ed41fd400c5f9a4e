namespace Gmqtt.Protocol;

/// <summary>CONNACK return codes of MQTT 3.1 and 3.1.1 (section 3.2.2.3).</summary>
public enum MqttConnectReturnCode : byte
{
    /// <summary>Connection accepted.</summary>
    Accepted = 0,
    /// <summary>The server does not support the requested protocol level.</summary>
    UnacceptableProtocolVersion = 1,
    /// <summary>The client identifier is not allowed.</summary>
    IdentifierRejected = 2,
    /// <summary>The MQTT service is unavailable.</summary>
    ServerUnavailable = 3,
    /// <summary>The user name or password is malformed or wrong.</summary>
    BadUserNameOrPassword = 4,
    /// <summary>The client is not authorized to connect.</summary>
    NotAuthorized = 5,
}
