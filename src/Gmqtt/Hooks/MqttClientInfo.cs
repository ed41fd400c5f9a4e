using System.Net;
using Gmqtt.Protocol;

namespace Gmqtt.Hooks;

/// <summary>What the broker knows about a connected client.</summary>
public sealed class MqttClientInfo
{
    /// <summary>The client identifier (possibly assigned by the broker).</summary>
    public required string ClientId { get; init; }

    /// <summary>The user name from CONNECT, if any.</summary>
    public string? UserName { get; init; }

    /// <summary>The protocol version the client speaks.</summary>
    public MqttProtocolVersion ProtocolVersion { get; init; }

    /// <summary>The peer's address, when known.</summary>
    public EndPoint? RemoteEndPoint { get; init; }

    /// <summary>"tcp", "tls", "ws" or "wss".</summary>
    public string Transport { get; init; } = "tcp";

    /// <summary>When CONNECT was accepted.</summary>
    public DateTimeOffset ConnectedAt { get; init; }

    // Per-message hook calls on this connection, for sampling their duration (MqttHookRunner): the read loop counts
    // publishes, the write loop deliveries, each in its own field.
    internal int PublishHookCalls;
    internal int DeliveredHookCalls;
}
