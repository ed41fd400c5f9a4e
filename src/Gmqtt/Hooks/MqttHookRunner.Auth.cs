using Gmqtt.Protocol;

namespace Gmqtt.Hooks;

internal sealed partial class MqttHookRunner
{
    /// <summary>Asks the hooks in order until one answers; a hook that throws fails the step with 0x87 (Not authorized).</summary>
    public ValueTask OnEnhancedAuthAsync(MqttEnhancedAuthContext context) => DecideAsync(
        nameof(IMqttHook.OnEnhancedAuthAsync),
        timed: true,
        context,
        static (h, c) => h.OnEnhancedAuthAsync(c),
        static c => c.Fail(MqttReasonCode.NotAuthorized),
        static c => c.Outcome != MqttEnhancedAuthOutcome.None);

    public ValueTask OnReauthenticatedAsync(MqttEnhancedAuthContext context) =>
        NotifyAsync(nameof(IMqttHook.OnReauthenticatedAsync), context, static (h, c) => h.OnReauthenticatedAsync(c));
}
