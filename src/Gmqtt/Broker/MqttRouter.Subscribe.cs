using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Topics;
using Gmqtt.Storage;
using Gmqtt.Subscriptions;

namespace Gmqtt.Broker;

/// <summary>
/// Subscribing, once for a SUBSCRIBE packet and the server-side <see cref="MqttBroker.SubscribeAsync(string, MqttTopicFilter, CancellationToken)"/>:
/// the per-filter decision (<see cref="SubscribeAsync(MqttSession, MqttClientInfo, MqttTopicFilter, uint?)"/>), then
/// what follows a grant (<see cref="CompleteSubscribeAsync"/>), after SUBACK for a packet.
/// </summary>
internal sealed partial class MqttRouter
{
    /// <summary>
    /// The decision on one filter: <paramref name="Code"/> is the SUBACK reason code; a grant carries the recorded
    /// <paramref name="Subscription"/> and whether it is new rather than a replacement.
    /// </summary>
    internal readonly record struct SubscribeResult(MqttReasonCode Code, string? ReasonString = null, Subscription? Subscription = null, bool IsNew = false);

    /// <summary>
    /// Decides on one filter and records the subscription when granted: shared subscription rules, topic levels,
    /// wildcard availability, the per-client quota, the broker's Maximum QoS, then the subscribe hooks.
    /// </summary>
    internal async ValueTask<SubscribeResult> SubscribeAsync(MqttSession session, MqttClientInfo client, MqttTopicFilter filter, uint? subscriptionId)
    {
        if (MqttTopic.IsShared(filter.Filter) && SharedSubscriptionRefusal(filter.Filter) is { } sharedRefusal)
        {
            return new SubscribeResult(sharedRefusal);
        }

        if (CountLevels(filter.Filter) > options.MaxTopicLevels)
        {
            return new SubscribeResult(MqttReasonCode.TopicFilterInvalid);
        }

        if (!options.WildcardSubscriptionAvailable && MqttTopic.HasWildcards(filter.Filter))
        {
            // Wildcards refused when not available: 0xA2 (section 3.2.2.3.14; 0x80 for 3.x).
            return new SubscribeResult(MqttReasonCode.WildcardSubscriptionsNotSupported);
        }

        if (!session.HasSubscription(filter.Filter) && session.SubscriptionCount >= options.MaxSubscriptionsPerClient)
        {
            return new SubscribeResult(MqttReasonCode.QuotaExceeded);
        }

        // Never more than the broker's Maximum QoS: the grant is lowered (section 3.2.2.3.4).
        var qos = (MqttQualityOfService)Math.Min((byte)filter.MaximumQoS, (byte)options.MaximumQoS);
        if (hooks.HasHooks)
        {
            var context = new MqttSubscribeContext { Client = client, Filter = filter, GrantedQoS = qos };
            await hooks.OnSubscribeAsync(context).ConfigureAwait(false);
            if (context.ReasonCode is { } refused && refused >= MqttReasonCode.UnspecifiedError)
            {
                return new SubscribeResult(refused, context.ReasonString);
            }

            qos = (MqttQualityOfService)Math.Min((byte)context.GrantedQoS, (byte)qos);
        }

        var subscription = new Subscription(session, filter.Filter, qos, filter.NoLocal, filter.RetainAsPublished, filter.RetainHandling, subscriptionId);
        var isNew = AddSubscription(subscription, filter);
        return new SubscribeResult(MqttReasonCodes.Granted(qos), Subscription: subscription, IsNew: isNew);
    }

    /// <summary>
    /// What follows a granted subscription (after SUBACK for a packet): its retained messages, then the subscribed hooks.
    /// </summary>
    internal async ValueTask CompleteSubscribeAsync(MqttClientInfo client, MqttTopicFilter filter, Subscription subscription, bool isNew)
    {
        // Retained messages go out after SUBACK, with RETAIN set [MQTT-3.3.1-8] (3.1.1: [MQTT-3.3.1-6]); a replaced
        // subscription re-sends them in 3.1.1 [MQTT-3.8.4-3], whose filters always read as SendAtSubscribe; MQTT 5.0
        // follows Retain Handling [MQTT-3.3.1-9] [MQTT-3.3.1-10] [MQTT-3.3.1-11].
        if (subscription.RetainHandling == MqttRetainHandling.SendAtSubscribe ||
            (subscription.RetainHandling == MqttRetainHandling.SendAtSubscribeIfNew && isNew))
        {
            DeliverRetained(subscription);
        }

        if (hooks.HasHooks)
        {
            await hooks.OnSubscribedAsync(client, filter).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Records a subscription in its session, the topic tree and the session store (SUBSCRIBE and the API alike).
    /// Returns false when it replaced one to the same filter.
    /// </summary>
    internal bool AddSubscription(Subscription subscription, MqttTopicFilter filter)
    {
        var isNew = subscription.Session.SetSubscription(subscription);
        Subscriptions.Add(subscription);
        subscription.Session.Journal?.Add(new MqttStoreChange.SubscriptionSaved(subscription.Session.ClientId, Stored(subscription)));
        return isNew;
    }

    /// <summary>
    /// Removes a subscription from its session, the topic tree and the session store, and re-offers what a shared
    /// group member still had queued for it (UNSUBSCRIBE and the API alike). False when it did not exist.
    /// </summary>
    internal bool RemoveSubscription(MqttSession session, string filter)
    {
        var removed = session.RemoveSubscription(filter) & Subscriptions.Remove(session, filter);
        if (removed)
        {
            session.Journal?.Add(new MqttStoreChange.SubscriptionRemoved(session.ClientId, filter));
            ReofferQueuedShared(session, filter);
        }

        return removed;
    }

    private static MqttStoredSubscription Stored(Subscription subscription) =>
        new(subscription.Filter, subscription.QoS, subscription.NoLocal, subscription.RetainAsPublished, subscription.RetainHandling, subscription.SubscriptionIdentifier);

    /// <summary>Why a <c>$share/</c> filter is refused, or null when it may be granted.</summary>
    private MqttReasonCode? SharedSubscriptionRefusal(string filter)
    {
        if (!options.SharedSubscriptionsAvailable)
        {
            // Advertised to MQTT 5.0 clients as Shared Subscription Available 0 (section 3.2.2.3.15); MQTT 3.x sees 0x80.
            return MqttReasonCode.SharedSubscriptionsNotSupported;
        }

        // A share name of at least one character, without '/', '+' or '#', then '/' and a filter [MQTT-4.8.2-1]
        // [MQTT-4.8.2-2]. The codec refuses a bad one from MQTT 5.0 as a Protocol Error; MQTT 3.x, which has no
        // shared subscriptions of its own, gets SUBACK 0x80 for it.
        return MqttTopic.IsValidSharedFilter(filter) ? null : MqttReasonCode.TopicFilterInvalid;
    }

    /// <summary>The number of levels of a topic name or filter, for <see cref="MqttBrokerOptions.MaxTopicLevels"/>.</summary>
    internal static int CountLevels(string topic) => topic.AsSpan().Count('/') + 1;
}
