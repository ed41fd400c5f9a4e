using System.Net;
using System.Security.Cryptography.X509Certificates;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Hooks;

/// <summary>
/// One step of an MQTT 5.0 enhanced authentication exchange (section 4.12): the CONNECT that names an
/// Authentication Method, each AUTH 0x18 the client sends in answer to the server's, or an AUTH 0x19 that
/// starts a re-authentication. A hook that handles <see cref="AuthenticationMethod"/> answers with exactly one of
/// <see cref="Continue"/>, <see cref="Succeed"/> or <see cref="Fail"/>; a hook that does not, leaves the context
/// alone and the next hook is asked.
/// </summary>
public sealed class MqttEnhancedAuthContext
{
    /// <summary>Which step this is.</summary>
    public required MqttEnhancedAuthStep Step { get; init; }

    /// <summary>The Authentication Method of the CONNECT; every AUTH of the connection carries the same one.</summary>
    public required string AuthenticationMethod { get; init; }

    /// <summary>The Authentication Data the client sent with this step, if any.</summary>
    public ReadOnlyMemory<byte>? AuthenticationData { get; init; }

    /// <summary>
    /// The client identifier. Before CONNACK it is the one in CONNECT, which is empty when the client asks the
    /// server to assign one (the <see cref="IMqttHook.OnConnectAsync"/> hooks run after the exchange succeeds).
    /// </summary>
    public required string ClientId { get; init; }

    /// <summary>The user name from CONNECT, if any.</summary>
    public string? UserName => ConnectPacket.UserName;

    /// <summary>The CONNECT that opened the connection (password, user properties, will...).</summary>
    public required ConnectPacket ConnectPacket { get; init; }

    /// <summary>The peer's address, when known.</summary>
    public EndPoint? RemoteEndPoint { get; init; }

    /// <summary>The TLS client certificate, when the endpoint asked for one.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>"tcp", "tls", "ws" or "wss".</summary>
    public required string Transport { get; init; }

    /// <summary>
    /// The hook's memory for this connection: the same dictionary at every step of the exchange and of every later
    /// re-authentication (a nonce sent with <see cref="Continue"/>, the identity established by <see cref="Succeed"/>).
    /// </summary>
    public required IDictionary<string, object?> State { get; init; }

    /// <summary>The answer so far; <see cref="MqttEnhancedAuthOutcome.None"/> until a hook gives one.</summary>
    public MqttEnhancedAuthOutcome Outcome { get; private set; }

    /// <summary>The Authentication Data the server sends back (AUTH 0x18, CONNACK or AUTH 0x00).</summary>
    public ReadOnlyMemory<byte>? ResponseData { get; private set; }

    /// <summary>
    /// <see cref="MqttReasonCode.ContinueAuthentication"/>, <see cref="MqttReasonCode.Success"/>, or the failure code
    /// given to <see cref="Fail"/>; <see langword="null"/> while <see cref="Outcome"/> is <see cref="MqttEnhancedAuthOutcome.None"/>.
    /// </summary>
    public MqttReasonCode? ReasonCode { get; private set; }

    /// <summary>The reason string given to <see cref="Fail"/>, sent in the CONNACK or DISCONNECT.</summary>
    public string? ReasonString { get; private set; }

    /// <summary>Asks the client for more: the server sends AUTH 0x18 carrying <paramref name="serverData"/> [MQTT-4.12.0-2].</summary>
    public void Continue(ReadOnlyMemory<byte> serverData) => Answer(MqttEnhancedAuthOutcome.Continue, MqttReasonCode.ContinueAuthentication, serverData, null);

    /// <summary>
    /// Accepts: the CONNECT is then handled as usual (CONNACK 0x00 echoing the method), or a re-authentication is
    /// answered with AUTH 0x00. <paramref name="serverData"/>, if given, travels with it.
    /// </summary>
    public void Succeed(ReadOnlyMemory<byte>? serverData = null) => Answer(MqttEnhancedAuthOutcome.Success, MqttReasonCode.Success, serverData, null);

    /// <summary>
    /// Refuses: CONNACK with <paramref name="reasonCode"/> before CONNACK [MQTT-4.12.0-4], DISCONNECT with it during a
    /// re-authentication [MQTT-4.12.1-2]; the connection is then closed. A code the packet cannot carry is sent as
    /// <see cref="MqttReasonCode.NotAuthorized"/>.
    /// </summary>
    /// <param name="reasonCode">A failure code (0x80 or above), e.g. <see cref="MqttReasonCode.NotAuthorized"/> or <see cref="MqttReasonCode.BadAuthenticationMethod"/>.</param>
    /// <param name="reasonString">Optional human-readable reason, for the client's diagnostics.</param>
    public void Fail(MqttReasonCode reasonCode = MqttReasonCode.NotAuthorized, string? reasonString = null)
    {
        if (reasonCode < MqttReasonCode.UnspecifiedError)
        {
            throw new ArgumentOutOfRangeException(nameof(reasonCode), reasonCode, "A failure needs a reason code of 0x80 or above.");
        }

        Answer(MqttEnhancedAuthOutcome.Fail, reasonCode, null, reasonString);
    }

    private void Answer(MqttEnhancedAuthOutcome outcome, MqttReasonCode code, ReadOnlyMemory<byte>? data, string? reasonString)
    {
        Outcome = outcome;
        ReasonCode = code;
        ResponseData = data;
        ReasonString = reasonString;
    }
}
