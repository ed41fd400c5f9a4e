using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;
using Microsoft.Extensions.Logging;

namespace Gmqtt.Broker;

/// <summary>
/// MQTT 5.0 enhanced authentication (section 4.12), re-authentication (4.12.1) and server redirection (4.11).
/// <code>
///   client                      server
///   CONNECT (method, data) ---&gt;  hook: Connect step
///                         &lt;---  AUTH 0x18 (method, data)      } repeated while the hook says Continue
///   AUTH 0x18 (method, data) --&gt; hook: Continue step         }
///                         &lt;---  CONNACK 0x00 (method, data)   after Succeed, once the CONNECT is accepted
///   ...
///   AUTH 0x19 (method, data) --&gt; hook: ReAuthenticate step  (then AUTH 0x18 exchanges as above)
///                         &lt;---  AUTH 0x00 (method, data), or DISCONNECT with the failure and close
/// </code>
/// Only the read loop touches this state, so it needs no lock. Before CONNACK the client may send only AUTH or
/// DISCONNECT; after it, other packets keep flowing during a re-authentication (section 4.12.1).
/// </summary>
internal sealed partial class MqttConnection
{
    /// <summary>Set when CONNECT named an Authentication Method; <see langword="null"/> otherwise.</summary>
    private EnhancedAuth? _auth;

    /// <summary>Whether the CONNECT asks for enhanced authentication.</summary>
    private static bool UsesEnhancedAuth(ConnectPacket connect)
    {
        var properties = connect.ProtocolVersion == MqttProtocolVersion.V500 ? connect.Properties : null;
        if (properties?.AuthenticationMethod is not null)
        {
            return true;
        }

        if (properties?.AuthenticationData is not null)
        {
            // Authentication Data without an Authentication Method is a Protocol Error (section 3.1.2.11.10).
            throw new MqttProtocolException(MqttReasonCode.ProtocolError, "CONNECT has Authentication Data but no Authentication Method.")
            {
                PacketType = MqttPacketType.Connect,
            };
        }

        return false;
    }

    /// <summary>A CONNECT with an Authentication Method: the first step of the exchange; CONNACK waits for its end.</summary>
    private ValueTask<bool> BeginEnhancedAuthAsync(ConnectPacket connect)
    {
        _auth = new EnhancedAuth(connect.Properties!.AuthenticationMethod!, connect, Volatile.Read(ref _lastActivity));
        return ConnectAuthStepAsync(MqttEnhancedAuthStep.Connect, connect.Properties.AuthenticationData);
    }

    /// <summary>A packet after a CONNECT with an Authentication Method and before CONNACK.</summary>
    private ValueTask<bool> HandleConnectAuthAsync(MqttPacket packet)
    {
        var auth = _auth!;
        // The connect timeout bounds the whole exchange, from CONNECT to CONNACK: steps do not extend it.
        Volatile.Write(ref _lastActivity, auth.ConnectTimestamp);
        switch (packet)
        {
            case AuthPacket authPacket:
                // The client answers the server's AUTH with AUTH 0x18 [MQTT-4.12.0-3] and the same method [MQTT-4.12.0-5].
                CheckClientAuth(authPacket, MqttReasonCode.ContinueAuthentication);
                return ConnectAuthStepAsync(MqttEnhancedAuthStep.Continue, authPacket.Properties!.AuthenticationData);
            case DisconnectPacket:
                SetCloseReason(MqttCloseReason.ClientDisconnected);
                return ValueTask.FromResult(false);
            default:
                // Until CONNACK, only AUTH or DISCONNECT [MQTT-3.1.2-30].
                throw new MqttProtocolException(MqttReasonCode.ProtocolError, $"{packet.Type} during enhanced authentication, before CONNACK.");
        }
    }

    private async ValueTask<bool> ConnectAuthStepAsync(MqttEnhancedAuthStep step, ReadOnlyMemory<byte>? data)
    {
        var auth = _auth!;
        var context = await AskHooksAsync(step, auth.Connect.ClientId, data).ConfigureAwait(false);
        switch (context.Outcome)
        {
            case MqttEnhancedAuthOutcome.Continue:
                // [MQTT-4.12.0-2]: AUTH 0x18, with the CONNECT's method [MQTT-4.12.0-5].
                Send(CreateAuth(MqttReasonCode.ContinueAuthentication, context.ResponseData));
                return true;
            case MqttEnhancedAuthOutcome.Success:
                // The CONNECT is now handled as any other; its CONNACK carries the method and this data [MQTT-4.12.0-5].
                auth.ConnAckData = context.ResponseData;
                return await HandleConnectAsync(auth.Connect).ConfigureAwait(false);
            case MqttEnhancedAuthOutcome.Fail:
                // The server may refuse at any step, with CONNACK 0x80 or above, and closes [MQTT-4.12.0-4].
                var code = context.ReasonCode is { } failure && MqttReasonCodes.IsAllowed(MqttPacketType.ConnAck, failure) ? failure : MqttReasonCode.NotAuthorized;
                return RefuseConnect(code, $"enhanced authentication ({auth.Method}) failed", ReasonStringProperties(context.ReasonString), authFailure: true);
            default:
                // An unsupported method: CONNACK 0x8C, then close [MQTT-4.12.0-1].
                return RefuseConnect(MqttReasonCode.BadAuthenticationMethod, $"no hook handles the authentication method \"{auth.Method}\"", authFailure: true);
        }
    }

    /// <summary>AUTH after CONNACK: a re-authentication, or the continuation of one.</summary>
    private async ValueTask<bool> HandleAuthAsync(AuthPacket packet)
    {
        if (_auth is not { } auth)
        {
            // Without an Authentication Method in CONNECT the client must not send AUTH [MQTT-4.12.0-7]: DISCONNECT 0x82.
            throw new MqttProtocolException(MqttReasonCode.ProtocolError, "AUTH from a client that did not use enhanced authentication.");
        }

        // Re-authentication starts with AUTH 0x19 and continues with AUTH 0x18, always with the CONNECT's method [MQTT-4.12.1-1].
        CheckClientAuth(packet, auth.Reauthenticating ? MqttReasonCode.ContinueAuthentication : MqttReasonCode.ReAuthenticate);
        var step = auth.Reauthenticating ? MqttEnhancedAuthStep.Continue : MqttEnhancedAuthStep.ReAuthenticate;
        var client = Client!;
        var context = await AskHooksAsync(step, client.ClientId, packet.Properties!.AuthenticationData).ConfigureAwait(false);
        switch (context.Outcome)
        {
            case MqttEnhancedAuthOutcome.Continue:
                auth.Reauthenticating = true;
                Send(CreateAuth(MqttReasonCode.ContinueAuthentication, context.ResponseData));
                return true;
            case MqttEnhancedAuthOutcome.Success:
                auth.Reauthenticating = false;
                Send(CreateAuth(MqttReasonCode.Success, context.ResponseData));
                Log.Reauthenticated(_logger, client.ClientId, auth.Method);
                await _broker.Hooks.OnReauthenticatedAsync(context).ConfigureAwait(false);
                return true;
            default:
                // A failed re-authentication: DISCONNECT with the reason, then close [MQTT-4.12.1-2].
                var code = context.ReasonCode is { } failure && MqttReasonCodes.IsAllowed(MqttPacketType.Disconnect, failure) && failure >= MqttReasonCode.UnspecifiedError
                    ? failure
                    : MqttReasonCode.NotAuthorized;
                Log.ReauthenticationFailed(_logger, client.ClientId, auth.Method, code);
                _broker.Counters.CountAuthFailure(code);
                if (Interlocked.CompareExchange(ref _closeReason, (int)MqttCloseReason.AuthenticationFailed, -1) == -1)
                {
                    Send(new DisconnectPacket { ReasonCode = code, Properties = ReasonStringProperties(context.ReasonString) });
                }

                return false;
        }
    }

    /// <summary>
    /// Closes the connection and tells an MQTT 5.0 client why with a DISCONNECT of the caller's choosing (section 4.13.2),
    /// for example 0x9C/0x9D with a Server Reference (section 4.11). MQTT 3.x clients are simply disconnected.
    /// </summary>
    public Task CloseAsync(MqttCloseReason reason, MqttReasonCode reasonCode, string? serverReference)
    {
        if (Interlocked.CompareExchange(ref _closeReason, (int)reason, -1) == -1 && Client is not null && ProtocolVersion == MqttProtocolVersion.V500)
        {
            Send(new DisconnectPacket
            {
                ReasonCode = reasonCode,
                Properties = serverReference is null ? null : new MqttProperties { ServerReference = serverReference },
            });
        }

        _transport.Input.CancelPendingRead();
        return Closed;
    }

    /// <summary>CONNACK properties of a CONNECT refused by a hook: the Server Reference of a redirection (MQTT 5.0 only).</summary>
    /// <summary>What a hook's refusal tells an MQTT 5.0 client: its reason string and, for a redirect, the Server Reference.</summary>
    private MqttProperties? RefusalProperties(MqttConnectContext context) =>
        (context.ServerReference is not null || context.ReasonString is not null) && ProtocolVersion == MqttProtocolVersion.V500
            ? new MqttProperties { ServerReference = context.ServerReference, ReasonString = context.ReasonString }
            : null;

    private static MqttProperties? ReasonStringProperties(string? reasonString) =>
        reasonString is null ? null : new MqttProperties { ReasonString = reasonString };

    private void CheckClientAuth(AuthPacket packet, MqttReasonCode expected)
    {
        if (packet.ReasonCode != expected)
        {
            throw new MqttProtocolException(MqttReasonCode.ProtocolError, $"AUTH with reason code {packet.ReasonCode} where {expected} was expected.");
        }

        if (packet.Properties?.AuthenticationMethod != _auth!.Method)
        {
            throw new MqttProtocolException(MqttReasonCode.ProtocolError, $"AUTH with the authentication method \"{packet.Properties?.AuthenticationMethod}\", not \"{_auth.Method}\".");
        }
    }

    private async ValueTask<MqttEnhancedAuthContext> AskHooksAsync(MqttEnhancedAuthStep step, string clientId, ReadOnlyMemory<byte>? data)
    {
        var auth = _auth!;
        var context = new MqttEnhancedAuthContext
        {
            Step = step,
            AuthenticationMethod = auth.Method,
            AuthenticationData = data,
            ClientId = clientId,
            ConnectPacket = auth.Connect,
            RemoteEndPoint = Info.RemoteEndPoint,
            ClientCertificate = Info.ClientCertificate,
            Transport = Info.Transport,
            State = auth.State,
        };
        if (_broker.Hooks.HasHooks)
        {
            await _broker.Hooks.OnEnhancedAuthAsync(context).ConfigureAwait(false);
        }

        return context;
    }

    private AuthPacket CreateAuth(MqttReasonCode code, ReadOnlyMemory<byte>? data) => new()
    {
        ReasonCode = code,
        Properties = new MqttProperties { AuthenticationMethod = _auth!.Method, AuthenticationData = data },
    };

    private sealed class EnhancedAuth(string method, ConnectPacket connect, long connectTimestamp)
    {
        public string Method { get; } = method;

        public ConnectPacket Connect { get; } = connect;

        /// <summary>When CONNECT arrived: the connect timeout counts from here until CONNACK.</summary>
        public long ConnectTimestamp { get; } = connectTimestamp;

        public Dictionary<string, object?> State { get; } = new(StringComparer.Ordinal);

        /// <summary>The final Authentication Data for the CONNACK.</summary>
        public ReadOnlyMemory<byte>? ConnAckData { get; set; }

        /// <summary>A re-authentication waits for the client's AUTH 0x18.</summary>
        public bool Reauthenticating { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(40, LogLevel.Debug, "Client {ClientId} re-authenticated ({Method}).")]
        public static partial void Reauthenticated(ILogger logger, string clientId, string method);

        [LoggerMessage(41, LogLevel.Information, "Re-authentication ({Method}) of client {ClientId} failed with {ReasonCode}; disconnecting.")]
        public static partial void ReauthenticationFailed(ILogger logger, string clientId, string method, MqttReasonCode reasonCode);
    }
}
