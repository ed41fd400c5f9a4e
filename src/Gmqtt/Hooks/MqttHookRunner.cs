using System.Diagnostics;
using System.Diagnostics.Metrics;
using Gmqtt.Protocol;
using Microsoft.Extensions.Logging;

namespace Gmqtt.Hooks;

/// <summary>
/// Runs the registered hooks in order. <see cref="HasHooks"/> lets callers skip building contexts when none
/// is registered. A hook that throws is logged and counts as a deny; it never breaks the connection loop.
/// </summary>
internal sealed partial class MqttHookRunner
{
    private readonly IMqttHook[] _hooks;
    private readonly ILogger _logger;

    // Only when hooks are registered: without hooks there is nothing to time.
    private readonly Histogram<double>? _duration;

    public MqttHookRunner(IEnumerable<IMqttHook> hooks, ILogger logger, Histogram<double>? duration = null)
    {
        _hooks = [.. hooks];
        _logger = logger;
        _duration = _hooks.Length > 0 ? duration : null;
    }

    public bool HasHooks => _hooks.Length > 0;

    public ValueTask<bool> OnAcceptAsync(MqttAcceptContext context) =>
        _duration is { Enabled: true } ? TimedAcceptAsync(context) : AcceptAsync(context);

    private async ValueTask<bool> TimedAcceptAsync(MqttAcceptContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await AcceptAsync(context).ConfigureAwait(false);
        }
        finally
        {
            Record(started, nameof(IMqttHook.OnAcceptAsync));
        }
    }

    private async ValueTask<bool> AcceptAsync(MqttAcceptContext context)
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
                LogHookFailed(_logger, hook.GetType().Name, nameof(MqttAcceptContext), e);
                return false;
            }
        }

        return true;
    }

    public ValueTask OnConnectAsync(MqttConnectContext context) => DecideAsync(
        nameof(IMqttHook.OnConnectAsync),
        timed: true,
        context,
        static (h, c) => h.OnConnectAsync(c),
        static c => c.ReasonCode = MqttReasonCode.NotAuthorized,
        static c => c.ReasonCode != MqttReasonCode.Success);

    public ValueTask OnSubscribeAsync(MqttSubscribeContext context) => DecideAsync(
        nameof(IMqttHook.OnSubscribeAsync),
        timed: true,
        context,
        static (h, c) => h.OnSubscribeAsync(c),
        static c => c.ReasonCode = MqttReasonCode.NotAuthorized,
        static c => c.ReasonCode is >= MqttReasonCode.UnspecifiedError);

    public ValueTask OnUnsubscribeAsync(MqttUnsubscribeContext context) => DecideAsync(
        nameof(IMqttHook.OnUnsubscribeAsync),
        timed: true,
        context,
        static (h, c) => h.OnUnsubscribeAsync(c),
        static c => c.ReasonCode = MqttReasonCode.NotAuthorized,
        static c => c.ReasonCode is >= MqttReasonCode.UnspecifiedError);

    public ValueTask OnPublishAsync(MqttPublishContext context) => DecideAsync(
        nameof(IMqttHook.OnPublishAsync),
        timed: context.Client is null || Sampled(ref context.Client.PublishHookCalls),
        context,
        static (h, c) => h.OnPublishAsync(c),
        static c => c.ReasonCode = MqttReasonCode.NotAuthorized,
        static c => c.ReasonCode is >= MqttReasonCode.UnspecifiedError);

    public ValueTask OnWillPublishAsync(MqttWillContext context) => DecideAsync(
        nameof(IMqttHook.OnWillPublishAsync),
        timed: true,
        context,
        static (h, c) => h.OnWillPublishAsync(c),
        static c => c.Suppress = true,
        static c => c.Suppress);

    /// <summary>Decisions: hooks run in order until one refuses; a hook that throws counts as a refusal.</summary>
    private ValueTask DecideAsync<TContext>(string name, bool timed, TContext context, Func<IMqttHook, TContext, ValueTask> call, Action<TContext> deny, Func<TContext, bool> refused) =>
        timed && _duration is { Enabled: true } ? TimedDecideAsync(name, context, call, deny, refused) : DecideAsync(context, call, deny, refused);

    // A separate frame only while the duration is listened to: unobserved, a decision costs what it did before.
    private async ValueTask TimedDecideAsync<TContext>(string name, TContext context, Func<IMqttHook, TContext, ValueTask> call, Action<TContext> deny, Func<TContext, bool> refused)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await DecideAsync(context, call, deny, refused).ConfigureAwait(false);
        }
        finally
        {
            Record(started, name);
        }
    }

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
                LogHookFailed(_logger, hook.GetType().Name, typeof(TContext).Name, e);
                deny(context);
            }

            if (refused(context))
            {
                return;
            }
        }
    }

    public ValueTask OnConnectedAsync(MqttClientInfo client) => NotifyAsync(nameof(IMqttHook.OnConnectedAsync), client, static (h, c) => h.OnConnectedAsync(c));

    public ValueTask OnSessionCreatedAsync(MqttClientInfo client) => NotifyAsync(nameof(IMqttHook.OnSessionCreatedAsync), client, static (h, c) => h.OnSessionCreatedAsync(c));

    public ValueTask OnSessionResumedAsync(MqttClientInfo client) => NotifyAsync(nameof(IMqttHook.OnSessionResumedAsync), client, static (h, c) => h.OnSessionResumedAsync(c));

    public ValueTask OnSessionTerminatedAsync(string clientId, MqttSessionTerminationReason reason) =>
        NotifyAsync(nameof(IMqttHook.OnSessionTerminatedAsync), (clientId, reason), static (h, s) => h.OnSessionTerminatedAsync(s.clientId, s.reason));

    public ValueTask OnSubscribedAsync(MqttClientInfo client, Protocol.MqttTopicFilter filter) =>
        NotifyAsync(nameof(IMqttHook.OnSubscribedAsync), (client, filter), static (h, s) => h.OnSubscribedAsync(s.client, s.filter));

    public ValueTask OnUnsubscribedAsync(MqttClientInfo client, string filter) =>
        NotifyAsync(nameof(IMqttHook.OnUnsubscribedAsync), (client, filter), static (h, s) => h.OnUnsubscribedAsync(s.client, s.filter));

    public ValueTask OnDeliveredAsync(MqttClientInfo client, MqttApplicationMessage message) =>
        NotifyAsync(nameof(IMqttHook.OnDeliveredAsync), (client, message), static (h, s) => h.OnDeliveredAsync(s.client, s.message), Sampled(ref client.DeliveredHookCalls));

    public ValueTask OnMessageDroppedAsync(string clientId, MqttApplicationMessage message, MqttDropReason reason) =>
        NotifyAsync(nameof(IMqttHook.OnMessageDroppedAsync), (clientId, message, reason), static (h, s) => h.OnMessageDroppedAsync(s.clientId, s.message, s.reason));

    public ValueTask OnClosedAsync(MqttClientInfo client, MqttCloseReason reason) =>
        NotifyAsync(nameof(IMqttHook.OnClosedAsync), (client, reason), static (h, s) => h.OnClosedAsync(s.client, s.reason));

    public ValueTask OnStopAsync() => NotifyAsync(nameof(IMqttHook.OnStopAsync), 0, static (h, _) => h.OnStopAsync());

    /// <summary>Notifications: every hook hears them; a failing one is logged and the others still run.</summary>
    private async ValueTask NotifyAsync<TState>(string name, TState state, Func<IMqttHook, TState, ValueTask> call, bool timed = true)
    {
        var started = timed && _duration is { Enabled: true } ? Stopwatch.GetTimestamp() : 0;
        foreach (var hook in _hooks)
        {
            try
            {
                await call(hook, state).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                LogHookFailed(_logger, hook.GetType().Name, name, e);
            }
        }

        if (started != 0)
        {
            Record(started, name);
        }
    }

    /// <summary>
    /// Per-message hooks (<see cref="IMqttHook.OnPublishAsync"/>, <see cref="IMqttHook.OnDeliveredAsync"/>) run up to
    /// millions of times a second, where recording each duration would cost more than most hooks: a connection's
    /// first call and then one in <see cref="PerMessageSampleRate"/> are timed. The counter is the connection's own
    /// (one loop writes it), so sampling shares nothing between threads.
    /// </summary>
    private static bool Sampled(ref int calls) => (calls++ & (PerMessageSampleRate - 1)) == 0;

    /// <summary>One per-message hook call in this many is timed; a power of two.</summary>
    internal const int PerMessageSampleRate = 64;

    /// <summary>Seconds since <paramref name="started"/> into <c>gmqtt.hook.duration</c>, tagged with the hook method.</summary>
    private void Record(long started, string name) =>
        _duration!.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("hook", name));

    [LoggerMessage(100, LogLevel.Error, "Hook {Hook} failed in {Method}; treated as a deny.")]
    private static partial void LogHookFailed(ILogger logger, string hook, string method, Exception exception);
}
