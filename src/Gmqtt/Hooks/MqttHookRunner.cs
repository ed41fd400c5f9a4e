using Gmqtt.Protocol;
using Microsoft.Extensions.Logging;

namespace Gmqtt.Hooks;

/// <summary>
/// Runs the registered hooks in order. <see cref="HasHooks"/> lets callers skip building contexts when none
/// is registered. A hook that throws is logged and counts as a deny; it never breaks the connection loop.
/// </summary>
internal sealed partial class MqttHookRunner(IEnumerable<IMqttHook> hooks, ILogger logger)
{
    private readonly IMqttHook[] _hooks = [.. hooks];

    public bool HasHooks => _hooks.Length > 0;

    public async ValueTask<bool> OnAcceptAsync(MqttAcceptContext context)
    {
        foreach (var hook in _hooks)
        {
            try
            {
                if (!await hook.OnAcceptAsync(context).ConfigureAwait(false))
                {
                    return false;
                }
            }
            catch (Exception e)
            {
                LogHookFailed(logger, hook.GetType().Name, nameof(MqttAcceptContext), e);
                return false;
            }
        }

        return true;
    }

    public ValueTask OnConnectAsync(MqttConnectContext context) => DecideAsync(
        context,
        static (h, c) => h.OnConnectAsync(c),
        static c => c.ReasonCode = MqttReasonCode.NotAuthorized,
        static c => c.ReasonCode != MqttReasonCode.Success);

    public ValueTask OnSubscribeAsync(MqttSubscribeContext context) => DecideAsync(
        context,
        static (h, c) => h.OnSubscribeAsync(c),
        static c => c.ReasonCode = MqttReasonCode.NotAuthorized,
        static c => c.ReasonCode is >= MqttReasonCode.UnspecifiedError);

    public ValueTask OnUnsubscribeAsync(MqttUnsubscribeContext context) => DecideAsync(
        context,
        static (h, c) => h.OnUnsubscribeAsync(c),
        static c => c.ReasonCode = MqttReasonCode.NotAuthorized,
        static c => c.ReasonCode is >= MqttReasonCode.UnspecifiedError);

    public ValueTask OnPublishAsync(MqttPublishContext context) => DecideAsync(
        context,
        static (h, c) => h.OnPublishAsync(c),
        static c => c.ReasonCode = MqttReasonCode.NotAuthorized,
        static c => c.ReasonCode is >= MqttReasonCode.UnspecifiedError);

    public ValueTask OnWillPublishAsync(MqttWillContext context) => DecideAsync(
        context,
        static (h, c) => h.OnWillPublishAsync(c),
        static c => c.Suppress = true,
        static c => c.Suppress);

    /// <summary>Decisions: hooks run in order until one refuses; a hook that throws counts as a refusal.</summary>
    private async ValueTask DecideAsync<TContext>(TContext context, Func<IMqttHook, TContext, ValueTask> call, Action<TContext> deny, Func<TContext, bool> refused)
    {
        foreach (var hook in _hooks)
        {
            try
            {
                await call(hook, context).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                LogHookFailed(logger, hook.GetType().Name, typeof(TContext).Name, e);
                deny(context);
            }

            if (refused(context))
            {
                return;
            }
        }
    }

    public ValueTask OnConnectedAsync(MqttClientInfo client) => NotifyAsync(client, static (h, c) => h.OnConnectedAsync(c));

    public ValueTask OnSessionCreatedAsync(MqttClientInfo client) => NotifyAsync(client, static (h, c) => h.OnSessionCreatedAsync(c));

    public ValueTask OnSessionResumedAsync(MqttClientInfo client) => NotifyAsync(client, static (h, c) => h.OnSessionResumedAsync(c));

    public ValueTask OnSessionTerminatedAsync(string clientId, MqttSessionTerminationReason reason) =>
        NotifyAsync((clientId, reason), static (h, s) => h.OnSessionTerminatedAsync(s.clientId, s.reason));

    public ValueTask OnSubscribedAsync(MqttClientInfo client, Protocol.MqttTopicFilter filter) =>
        NotifyAsync((client, filter), static (h, s) => h.OnSubscribedAsync(s.client, s.filter));

    public ValueTask OnUnsubscribedAsync(MqttClientInfo client, string filter) =>
        NotifyAsync((client, filter), static (h, s) => h.OnUnsubscribedAsync(s.client, s.filter));

    public ValueTask OnDeliveredAsync(MqttClientInfo client, MqttApplicationMessage message) =>
        NotifyAsync((client, message), static (h, s) => h.OnDeliveredAsync(s.client, s.message));

    public ValueTask OnMessageDroppedAsync(string clientId, MqttApplicationMessage message, MqttDropReason reason) =>
        NotifyAsync((clientId, message, reason), static (h, s) => h.OnMessageDroppedAsync(s.clientId, s.message, s.reason));

    public ValueTask OnClosedAsync(MqttClientInfo client, MqttCloseReason reason) =>
        NotifyAsync((client, reason), static (h, s) => h.OnClosedAsync(s.client, s.reason));

    public ValueTask OnStopAsync() => NotifyAsync(0, static (h, _) => h.OnStopAsync());

    /// <summary>Notifications: every hook hears them; a failing one is logged and the others still run.</summary>
    private async ValueTask NotifyAsync<TState>(TState state, Func<IMqttHook, TState, ValueTask> call)
    {
        foreach (var hook in _hooks)
        {
            try
            {
                await call(hook, state).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                LogHookFailed(logger, hook.GetType().Name, "notification", e);
            }
        }
    }

    [LoggerMessage(100, LogLevel.Error, "Hook {Hook} failed in {Method}; treated as a deny.")]
    private static partial void LogHookFailed(ILogger logger, string hook, string method, Exception exception);
}
