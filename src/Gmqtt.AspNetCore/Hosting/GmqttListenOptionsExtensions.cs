using Gmqtt.AspNetCore.Hosting;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Microsoft.AspNetCore.Hosting;

/// <summary>Kestrel endpoint extensions.</summary>
public static class GmqttListenOptionsExtensions
{
    /// <summary>
    /// Serves MQTT on this endpoint (raw TCP; TLS when <c>UseHttps()</c> was called first). It is terminal:
    /// the endpoint speaks nothing else.
    /// </summary>
    public static ListenOptions UseMqtt(this ListenOptions listenOptions)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        GmqttMarkerService.EnsureRegistered(listenOptions.ApplicationServices).AddListener($"tcp {listenOptions}");
        listenOptions.UseConnectionHandler<MqttConnectionHandler>();
        return listenOptions;
    }
}
