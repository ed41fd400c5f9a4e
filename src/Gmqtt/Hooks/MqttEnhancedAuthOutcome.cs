namespace Gmqtt.Hooks;

/// <summary>A hook's answer to one step of an enhanced authentication exchange.</summary>
public enum MqttEnhancedAuthOutcome
{
    /// <summary>No hook answered: the method is not handled (CONNACK 0x8C Bad authentication method).</summary>
    None,

    /// <summary>More is needed: the server sends AUTH 0x18 with the hook's data and waits for the client's AUTH 0x18.</summary>
    Continue,

    /// <summary>Authenticated: CONNACK 0x00 (or AUTH 0x00 for a re-authentication), with the hook's final data if any.</summary>
    Success,

    /// <summary>Refused: CONNACK (or, for a re-authentication, DISCONNECT) with the hook's reason code, then close.</summary>
    Fail,
}
