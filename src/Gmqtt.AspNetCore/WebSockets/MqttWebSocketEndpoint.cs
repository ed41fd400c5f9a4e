using System.IO.Pipelines;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Gmqtt.AspNetCore.WebSockets;

/// <summary>
/// Accepts a WebSocket and adapts it to a duplex byte pipe for the broker's connection loop. MQTT is a byte
/// stream over binary frames, so a packet may span several frames and a frame may hold several packets.
/// </summary>
internal static class MqttWebSocketEndpoint
{
    // The subprotocols MQTT clients offer; "mqtt" is the standard's [MQTT-6.0.0-3], "mqttv3.1" older clients'.
    private static readonly string[] SubProtocols = ["mqtt", "mqttv3.1"];

    // How long a closing connection waits for the peer's Close frame; the same bound the broker gives its writer.
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);

    public static async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("MQTT over WebSocket only.").ConfigureAwait(false);
            return;
        }

        var subProtocol = SubProtocols.FirstOrDefault(context.WebSockets.WebSocketRequestedProtocols.Contains);
        if (subProtocol is null)
        {
            // The client MUST offer "mqtt" [MQTT-6.0.0-3]; anything else is refused.
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("The WebSocket subprotocol must be 'mqtt'.").ConfigureAwait(false);
            return;
        }

        var broker = context.RequestServices.GetRequiredService<MqttBroker>();
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        using var socket = await context.WebSockets.AcceptWebSocketAsync(subProtocol).ConfigureAwait(false);
        var input = new Pipe(new PipeOptions(useSynchronizationContext: false));
        var output = new Pipe(new PipeOptions(useSynchronizationContext: false));
        var certificate = context.Features.Get<ITlsConnectionFeature>()?.ClientCertificate;

        // The broker's public entry point takes a ConnectionContext, as Kestrel's TCP connections are; this one holds
        // the WebSocket's pipes and the peer. Its id is the request's: HTTP/2 carries several WebSockets on one connection.
        await using var connection = new DefaultConnectionContext(context.TraceIdentifier)
        {
            Transport = new DuplexPipe(input.Reader, output.Writer),
            RemoteEndPoint = RemoteEndPoint(context),
        };

        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var receiving = ReceiveAsync(socket, input.Writer, aborted.Token);
        var sending = SendAsync(socket, output.Reader, aborted.Token);
        await broker.RunConnectionAsync(connection, context.Request.IsHttps ? "wss" : "ws", certificate, aborted.Token).ConfigureAwait(false);

        // The broker is done with the connection: finish sending (ending with our Close frame), wait a bounded time
        // for the peer's Close frame [RFC 6455 5.5.1], then stop receiving. Cancelling the receive aborts the
        // socket, and an abort right away could drop what was just sent (a refusing CONNACK) before it left.
        await output.Writer.CompleteAsync().ConfigureAwait(false);
        await sending.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await receiving.WaitAsync(CloseHandshakeTimeout, time).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await aborted.CancelAsync().ConfigureAwait(false);
        await receiving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private static System.Net.IPEndPoint? RemoteEndPoint(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address ? new System.Net.IPEndPoint(address, context.Connection.RemotePort) : null;

    private static async Task ReceiveAsync(WebSocket socket, PipeWriter writer, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var memory = writer.GetMemory(4096);
                var result = await socket.ReceiveAsync(memory, cancellationToken).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                if (result.MessageType != WebSocketMessageType.Binary)
                {
                    // MQTT travels in binary frames only [MQTT-6.0.0-1]; a text frame closes the connection.
                    await socket.CloseOutputAsync(WebSocketCloseStatus.InvalidMessageType, "binary frames only", cancellationToken).ConfigureAwait(false);
                    break;
                }

                writer.Advance(result.Count);
                var flush = await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (flush.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // The peer went away; completing the pipe tells the broker.
        }
        finally
        {
            await writer.CompleteAsync().ConfigureAwait(false);
        }
    }

    private static async Task SendAsync(WebSocket socket, PipeReader reader, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                foreach (var segment in buffer)
                {
                    await socket.SendAsync(segment, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).ConfigureAwait(false);
                }

                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }

            if (socket.State == WebSocketState.Open)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // The peer went away.
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
