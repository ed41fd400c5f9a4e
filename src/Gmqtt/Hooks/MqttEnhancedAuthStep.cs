namespace Gmqtt.Hooks;

/// <summary>Where an MQTT 5.0 enhanced authentication exchange stands (section 4.12).</summary>
public enum MqttEnhancedAuthStep
{
    /// <summary>The CONNECT carrying the Authentication Method: the first step of the exchange.</summary>
    Connect,

    /// <summary>The client's AUTH 0x18 (Continue authentication), answering the server's previous AUTH 0x18.</summary>
    Continue,

    /// <summary>The client's AUTH 0x19 (Re-authenticate), after CONNACK: the first step of a re-authentication.</summary>
    ReAuthenticate,
}
