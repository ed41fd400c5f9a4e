using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Gmqtt.Samples.Hooks;

/// <summary>The app's two Kestrel endpoints; once started, their bound ports (port 0 in configuration picks a free one).</summary>
public sealed class SampleEndpoints
{
    internal ListenOptions? Mqtt { get; set; }

    internal ListenOptions? Http { get; set; }

    /// <summary>The port of the <c>Mqtt</c> endpoint: MQTT over TCP.</summary>
    public int MqttPort => PortOf(Mqtt);

    /// <summary>The port of the <c>Http</c> endpoint: the web app, with MQTT over WebSocket at <c>/mqtt</c>.</summary>
    public int HttpPort => PortOf(Http);

    private static int PortOf(ListenOptions? options) =>
        (options?.EndPoint as IPEndPoint)?.Port ?? throw new InvalidOperationException("The endpoint is not configured.");
}
