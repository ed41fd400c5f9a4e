using System.Net;
using System.Security.Cryptography.X509Certificates;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Hooks;

/// <summary>A CONNECT being authenticated.</summary>
public sealed class MqttConnectContext
{
    /// <summary>The CONNECT as received (user name, password, will, keep alive, properties).</summary>
    public required ConnectPacket Packet { get; init; }

    /// <summary>The client identifier; a hook may replace it (for example with one derived from a certificate).</summary>
    public required string ClientId { get; set; }

    /// <summary>The user name, if the flag was set.</summary>
    public string? UserName => Packet.UserName;

    /// <summary>The password, if the flag was set.</summary>
    public ReadOnlyMemory<byte>? Password => Packet.Password;

    /// <summary>The will, if any.</summary>
    public MqttWill? Will => Packet.Will;

    /// <summary>The peer's address, when known.</summary>
    public EndPoint? RemoteEndPoint { get; init; }

    /// <summary>The TLS client certificate, when the endpoint asked for one.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>"tcp", "tls", "ws" or "wss".</summary>
    public required string Transport { get; init; }

    /// <summary>
    /// The answer. Leave <see cref="MqttReasonCode.Success"/> to accept; MQTT 3.x clients receive the matching
    /// return code (<see cref="MqttReasonCodes.ToConnectReturnCode"/>).
    /// </summary>
    public MqttReasonCode ReasonCode { get; set; }

    /// <summary>MQTT 5.0: a human-readable reason sent with a refusal (unless the client asked for no problem information).</summary>
    public string? ReasonString { get; set; }

    /// <summary>
    /// MQTT 5.0 server redirection (section 4.11): with a refusing <see cref="ReasonCode"/>, normally
    /// <see cref="MqttReasonCode.UseAnotherServer"/> (0x9C) or <see cref="MqttReasonCode.ServerMoved"/> (0x9D), the
    /// Server Reference sent in the CONNACK, e.g. "mqtt2.example.com:1883". Not sent to MQTT 3.x clients.
    /// </summary>
    public string? ServerReference { get; set; }
}
