using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Gmqtt.Server;

/// <summary>The three named endpoints; after start their bound ports are known (port 0 in configuration picks a free one).</summary>
public sealed class ServerEndpoints
{
    internal ListenOptions? Mqtt { get; set; }

    internal ListenOptions? MqttTls { get; set; }

    internal ListenOptions? Http { get; set; }

    /// <summary>
    /// Where this instance wrote its self-signed certificate's PEM (for clients' <c>--cafile</c>), or null when the TLS
    /// endpoint has a certificate from configuration.
    /// </summary>
    public string? SelfSignedCertificatePem { get; internal set; }

    /// <summary>The bound port of the raw MQTT endpoint.</summary>
    public int MqttPort => PortOf(Mqtt);

    /// <summary>The bound port of the MQTT over TLS endpoint.</summary>
    public int MqttTlsPort => PortOf(MqttTls);

    /// <summary>The bound port of the HTTP endpoint (WebSocket at /mqtt).</summary>
    public int HttpPort => PortOf(Http);

    private static int PortOf(ListenOptions? options) =>
        (options?.EndPoint as IPEndPoint)?.Port ?? throw new InvalidOperationException("The endpoint is not configured.");
}
