using Gmqtt.Protocol;
using Gmqtt.Protocol.Topics;

namespace Gmqtt.Broker;

internal sealed partial class MqttConnection
{
    /// <summary>Why a <c>$share/</c> filter in SUBSCRIBE is refused, or null when it may be granted.</summary>
    private MqttReasonCode? SharedSubscriptionRefusal(string filter)
    {
        if (!_broker.Options.SharedSubscriptionsAvailable)
        {
            // Advertised to MQTT 5.0 clients as Shared Subscription Available 0 (section 3.2.2.3.15); MQTT 3.x sees 0x80.
            return MqttReasonCode.SharedSubscriptionsNotSupported;
        }

        // A share name of at least one character, without '/', '+' or '#', then '/' and a filter [MQTT-4.8.2-1]
        // [MQTT-4.8.2-2]. The codec refuses a bad one from MQTT 5.0 as a Protocol Error; MQTT 3.x, which has no
        // shared subscriptions of its own, gets SUBACK 0x80 for it.
        return MqttTopic.IsValidSharedFilter(filter) ? null : MqttReasonCode.TopicFilterInvalid;
    }
}
