namespace Gmqtt.Hooks;

/// <summary>Why a connection closed.</summary>
public enum MqttCloseReason
{
    /// <summary>The client sent DISCONNECT.</summary>
    ClientDisconnected,
    /// <summary>The network connection closed without DISCONNECT.</summary>
    ConnectionLost,
    /// <summary>Nothing arrived within 1.5 times the keep alive.</summary>
    KeepAliveTimeout,
    /// <summary>The client broke the protocol.</summary>
    ProtocolError,
    /// <summary>Another connection took over the client identifier.</summary>
    SessionTakenOver,
    /// <summary>Closed through the server-side API.</summary>
    AdministrativeAction,
    /// <summary>The broker is stopping.</summary>
    ServerShutdown,
    /// <summary>CONNECT was refused.</summary>
    ConnectRefused,
    /// <summary>An MQTT 5.0 re-authentication failed (DISCONNECT with the hook's reason code).</summary>
    AuthenticationFailed,
}
