using System.Net;

namespace Gmqtt.Hooks;

/// <summary>A new network connection, before any MQTT byte.</summary>
public sealed class MqttAcceptContext
{
    /// <summary>The peer's address, when the transport knows it.</summary>
    public EndPoint? RemoteEndPoint { get; init; }

    /// <summary>The local address the connection arrived on.</summary>
    public EndPoint? LocalEndPoint { get; init; }

    /// <summary>"tcp", "tls", "ws" or "wss".</summary>
    public required string Transport { get; init; }
}
