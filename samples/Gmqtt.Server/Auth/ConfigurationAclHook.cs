using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Topics;
using Microsoft.Extensions.Options;

namespace Gmqtt.Server.Auth;

/// <summary>Applies the allow/deny rules of <c>Gmqtt:Acl</c> to publish and subscribe. A denied subscribe answers 0x80 (0x87 for MQTT 5.0).</summary>
internal sealed class ConfigurationAclHook(IOptionsMonitor<AclOptions> options) : IMqttHook
{
    public ValueTask OnSubscribeAsync(MqttSubscribeContext context)
    {
        var acl = options.CurrentValue;
        if (!acl.Enabled)
        {
            return ValueTask.CompletedTask;
        }

        var rule = Find(acl, context.Client.UserName, "subscribe", context.Filter.Filter, subscribe: true);
        if (rule is not { Allow: true })
        {
            context.ReasonCode = MqttReasonCode.NotAuthorized;
        }
        else if ((int)context.GrantedQoS > rule.MaxQoS)
        {
            context.GrantedQoS = (MqttQualityOfService)Math.Clamp(rule.MaxQoS, 0, 2);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask OnPublishAsync(MqttPublishContext context)
    {
        var acl = options.CurrentValue;
        if (!acl.Enabled || context.Client is null)
        {
            return ValueTask.CompletedTask; // The server-side API is trusted.
        }

        if (Find(acl, context.Client.UserName, "publish", context.Message.Topic, subscribe: false) is not { Allow: true })
        {
            context.ReasonCode = MqttReasonCode.NotAuthorized;
        }

        return ValueTask.CompletedTask;
    }

    private static AclRule? Find(AclOptions acl, string? user, string action, string topicOrFilter, bool subscribe) =>
        acl.Rules.Find(rule =>
            (rule.User == "*" || rule.User == user) &&
            (rule.Action == "all" || string.Equals(rule.Action, action, StringComparison.OrdinalIgnoreCase)) &&
            (subscribe ? FilterCovers(rule.Filter, topicOrFilter) : MqttTopic.Matches(topicOrFilter, rule.Filter)));

    /// <summary>Whether every topic <paramref name="requested"/> can match is also matched by <paramref name="rule"/>.</summary>
    private static bool FilterCovers(string rule, string requested)
    {
        if (rule == requested || rule == "#")
        {
            return true;
        }

        var ruleLevels = rule.Split('/');
        var requestedLevels = requested.Split('/');
        for (var i = 0; i < ruleLevels.Length; i++)
        {
            if (ruleLevels[i] == "#")
            {
                return true;
            }

            if (i >= requestedLevels.Length || requestedLevels[i] == "#")
            {
                return false;
            }

            if (ruleLevels[i] != "+" && ruleLevels[i] != requestedLevels[i])
            {
                return false;
            }
        }

        return ruleLevels.Length == requestedLevels.Length;
    }
}
