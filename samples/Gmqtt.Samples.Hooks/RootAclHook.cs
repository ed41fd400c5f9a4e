using Gmqtt.Hooks;
using Gmqtt.Protocol;

namespace Gmqtt.Samples.Hooks;

/// <summary>
/// A per-user ACL (gmqtt's subscribe example): the user <c>root</c> may subscribe to anything at any QoS and
/// publish anywhere; every other user is granted at most QoS 1, may not subscribe to <c>$SYS</c> topics
/// (refused with <see cref="MqttReasonCode.NotAuthorized"/>, 0x80 for MQTT 3.x) and may not publish to them.
/// </summary>
internal sealed class RootAclHook : IMqttHook
{
    /// <summary>The user name with every right.</summary>
    public const string Root = "root";

    /// <inheritdoc />
    public ValueTask OnSubscribeAsync(MqttSubscribeContext context)
    {
        if (context.Client.UserName == Root)
        {
            return ValueTask.CompletedTask;
        }

        if (IsSys(context.Filter.Filter))
        {
            context.ReasonCode = MqttReasonCode.NotAuthorized;
        }
        else if (context.GrantedQoS > MqttQualityOfService.AtLeastOnce)
        {
            // A downgrade, not a refusal: SUBACK grants QoS 1 and messages are delivered at QoS 1 at most.
            context.GrantedQoS = MqttQualityOfService.AtLeastOnce;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask OnPublishAsync(MqttPublishContext context)
    {
        // Client is null for messages published through the server-side API, which is trusted.
        if (context.Client is { } client && client.UserName != Root && IsSys(context.Message.Topic))
        {
            // The message is dropped; an MQTT 5.0 publisher sees NotAuthorized in its PUBACK/PUBREC.
            context.ReasonCode = MqttReasonCode.NotAuthorized;
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Whether a topic or filter is in the <c>$SYS</c> tree (its first level is <c>$SYS</c>).</summary>
    private static bool IsSys(string topicOrFilter) =>
        topicOrFilter.StartsWith("$SYS", StringComparison.Ordinal) && (topicOrFilter.Length == 4 || topicOrFilter[4] == '/');
}
