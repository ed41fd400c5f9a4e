using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace Gmqtt.AspNetCore.Hosting;

/// <summary>Kestrel's entry for raw MQTT over TCP, or TLS when the endpoint has <c>UseHttps()</c> before <c>UseMqtt()</c>.</summary>
internal sealed class MqttConnectionHandler(MqttBroker broker) : ConnectionHandler
{
    public override Task OnConnectedAsync(ConnectionContext connection)
    {
        var tls = connection.Features.Get<ITlsConnectionFeature>();

        // No ConnectionClosed token: Kestrel completes the connection's input when the socket closes or is
        // aborted (and the TLS layer passes that on), which ends the read loop; a registration on that token
        // would cost about 150 bytes per connection for nothing.
        return broker.RunConnectionAsync(connection, tls is null ? "tcp" : "tls", tls?.ClientCertificate);
    }
}
