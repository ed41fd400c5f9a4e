namespace Gmqtt.Broker;

/// <summary>
/// Where a session is in its life (<see cref="MqttSession"/> makes every transition):
/// <code>
///   Offline ──Attach──► Online ──Detach──► Offline until its deadline ──deadline──► Ended
///      ▲                                          │  (expiry interval 0: ends at once)
///      └──────────────────Attach──────────────────┘
/// </code>
/// A session is created offline (restored from the store, or about to be attached), and any state may end
/// (Clean Start, an administrative end).
/// </summary>
internal enum MqttSessionState : byte
{
    /// <summary>No connection; when it has a deadline, the session ends then unless a connection attaches first.</summary>
    Offline,

    /// <summary>A connection is attached; no deadline runs.</summary>
    Online,

    /// <summary>Removed from the broker, its subscriptions and outbox cleared.</summary>
    Ended,
}
