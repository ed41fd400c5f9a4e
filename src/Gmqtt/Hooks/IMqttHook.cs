namespace Gmqtt.Hooks;

/// <summary>
/// Extension point for authentication, authorization and everything else. Every method has a pass-through
/// default, so a hook implements only what it needs. Hooks are DI services (<c>AddGmqtt().AddHook&lt;T&gt;()</c>),
/// run in registration order, and cost nothing when none is registered. An exception thrown by a hook is
/// logged and treated as a deny; it never breaks another client's connection.
/// </summary>
public interface IMqttHook
{
    /// <summary>A TCP/TLS/WebSocket connection arrived, before any MQTT byte is read. Return false to close it.</summary>
    ValueTask<bool> OnAcceptAsync(MqttAcceptContext context) => ValueTask.FromResult(true);

    /// <summary>
    /// CONNECT received: authenticate. Set <see cref="MqttConnectContext.ReasonCode"/> to refuse; set
    /// <see cref="MqttConnectContext.ClientId"/> to assign another identifier. The first refusal wins.
    /// </summary>
    ValueTask OnConnectAsync(MqttConnectContext context) => ValueTask.CompletedTask;

    /// <summary>
    /// MQTT 5.0 enhanced authentication (section 4.12): one step of the exchange started by a CONNECT with an
    /// Authentication Method, or of a re-authentication (AUTH 0x19) after CONNACK. A hook that handles
    /// <see cref="MqttEnhancedAuthContext.AuthenticationMethod"/> answers with <see cref="MqttEnhancedAuthContext.Continue"/>,
    /// <see cref="MqttEnhancedAuthContext.Succeed"/> or <see cref="MqttEnhancedAuthContext.Fail"/>; the first answer
    /// wins. When no hook answers the CONNECT is refused with 0x8C (Bad authentication method). The exchange runs
    /// before <see cref="OnConnectAsync"/>, which still decides on the CONNECT once the client is authenticated.
    /// </summary>
    ValueTask OnEnhancedAuthAsync(MqttEnhancedAuthContext context) => ValueTask.CompletedTask;

    /// <summary>
    /// A re-authentication succeeded (AUTH 0x00 is on its way); <paramref name="context"/> is its last step, with
    /// the connection's <see cref="MqttEnhancedAuthContext.State"/>.
    /// </summary>
    ValueTask OnReauthenticatedAsync(MqttEnhancedAuthContext context) => ValueTask.CompletedTask;

    /// <summary>The client was accepted and CONNACK is on its way.</summary>
    ValueTask OnConnectedAsync(MqttClientInfo client) => ValueTask.CompletedTask;

    /// <summary>A new session was created for the client.</summary>
    ValueTask OnSessionCreatedAsync(MqttClientInfo client) => ValueTask.CompletedTask;

    /// <summary>The client resumed an existing session.</summary>
    ValueTask OnSessionResumedAsync(MqttClientInfo client) => ValueTask.CompletedTask;

    /// <summary>A session ended and its state was discarded.</summary>
    ValueTask OnSessionTerminatedAsync(string clientId, MqttSessionTerminationReason reason) => ValueTask.CompletedTask;

    /// <summary>
    /// One filter of a SUBSCRIBE: grant (default: the requested QoS), downgrade by lowering
    /// <see cref="MqttSubscribeContext.GrantedQoS"/>, or reject by setting <see cref="MqttSubscribeContext.ReasonCode"/>.
    /// </summary>
    ValueTask OnSubscribeAsync(MqttSubscribeContext context) => ValueTask.CompletedTask;

    /// <summary>A subscription was added or replaced.</summary>
    ValueTask OnSubscribedAsync(MqttClientInfo client, Protocol.MqttTopicFilter filter) => ValueTask.CompletedTask;

    /// <summary>One filter of an UNSUBSCRIBE; set <see cref="MqttUnsubscribeContext.ReasonCode"/> to refuse it.</summary>
    ValueTask OnUnsubscribeAsync(MqttUnsubscribeContext context) => ValueTask.CompletedTask;

    /// <summary>A subscription was removed.</summary>
    ValueTask OnUnsubscribedAsync(MqttClientInfo client, string filter) => ValueTask.CompletedTask;

    /// <summary>
    /// A message is about to be routed, before the retained store is touched. Refuse it with
    /// <see cref="MqttPublishContext.ReasonCode"/>, or change the message (topic, payload, QoS, retain).
    /// </summary>
    ValueTask OnPublishAsync(MqttPublishContext context) => ValueTask.CompletedTask;

    /// <summary>A message was written to a subscriber's connection.</summary>
    ValueTask OnDeliveredAsync(MqttClientInfo client, MqttApplicationMessage message) => ValueTask.CompletedTask;

    /// <summary>A message meant for <paramref name="clientId"/> was dropped.</summary>
    ValueTask OnMessageDroppedAsync(string clientId, MqttApplicationMessage message, MqttDropReason reason) => ValueTask.CompletedTask;

    /// <summary>A will is about to be published; change it or set <see cref="MqttWillContext.Suppress"/>.</summary>
    ValueTask OnWillPublishAsync(MqttWillContext context) => ValueTask.CompletedTask;

    /// <summary>A connection that had sent CONNECT was closed.</summary>
    ValueTask OnClosedAsync(MqttClientInfo client, MqttCloseReason reason) => ValueTask.CompletedTask;

    /// <summary>The broker stopped: every connection is closed and every <see cref="OnClosedAsync"/> has run.</summary>
    ValueTask OnStopAsync() => ValueTask.CompletedTask;
}
