namespace Gmqtt.Hooks;

/// <summary>Why a session ended.</summary>
public enum MqttSessionTerminationReason
{
    /// <summary>A clean-session connection closed.</summary>
    CleanSessionClosed,
    /// <summary>A new connection asked for a clean session.</summary>
    ReplacedByCleanSession,
    /// <summary>Ended through the server-side API.</summary>
    AdministrativeAction,
    /// <summary>Its Session Expiry Interval passed while the client was offline.</summary>
    Expired,
}
