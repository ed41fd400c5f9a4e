using Gmqtt.Protocol;
using Gmqtt.Protocol.Topics;
using Gmqtt.Subscriptions;

namespace Gmqtt.Broker;

/// <summary>
/// MQTT 5.0 shared subscriptions (section 4.8.2), also offered to MQTT 3.1.1 clients: each message matching a
/// group's filter goes to one member of each group, picked by <see cref="MqttBrokerOptions.SharedSubscriptionStrategy"/>.
/// A member that is offline or whose queue is full is passed over while another member can take the message.
/// </summary>
internal sealed partial class MqttRouter
{
    [ThreadStatic]
    private static List<SharedSubscriptionGroup>? t_groups;

    /// <summary>
    /// Route's part for shared subscriptions: queues the message for one member of every matching group and
    /// returns how many groups it went to (a message no member could take counts, as a dropped one does in Route).
    /// </summary>
    private int RouteShared(MqttApplicationMessage message, ref List<DroppedMessage>? drops)
    {
        var shared = Subscriptions.Shared;
        if (shared.Count == 0)
        {
            return 0;
        }

        var groups = t_groups ??= [];
        groups.Clear();
        shared.Match(message.Topic, groups);
        var delivered = 0;
        foreach (var group in groups)
        {
            var members = group.Members;
            if (members.Length == 0)
            {
                continue;
            }

            delivered++;
            if (TryOfferShared(group, members, message, exclude: null, out var start))
            {
                continue;
            }

            // No member is online with room, nor offline with room: the first choice's queue policy decides
            // (drop the message, or evict its oldest), and the drop is reported as for any subscriber.
            var target = members[start];
            Deliver(target.Session, CreateSharedMessage(group, target, message), ref drops);
        }

        groups.Clear();
        return delivered;
    }

    /// <summary>
    /// Offers the message to the group's members from the strategy's first choice on: first to members online
    /// with room in their queue, then to offline (persistent) members with room. Returns false when none took it.
    /// </summary>
    private bool TryOfferShared(SharedSubscriptionGroup group, Subscription[] members, MqttApplicationMessage message, MqttSession? exclude, out int start)
    {
        start = group.PickStart(members, options.SharedSubscriptionStrategy, message);
        foreach (var online in (ReadOnlySpan<bool>)[true, false])
        {
            for (var i = 0; i < members.Length; i++)
            {
                var member = members[(start + i) % members.Length];
                if (member.Session == exclude)
                {
                    continue;
                }

                var outbound = CreateSharedMessage(group, member, message);
                if (!member.Session.Outbox.TryEnqueueShared(outbound, online))
                {
                    continue;
                }

                if (options.SharedSubscriptionStrategy == MqttSharedSubscriptionStrategy.Sticky)
                {
                    group.OnTaken(members, member.Session);
                }

                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The member's copy: at the lower of the published and the granted QoS [MQTT-4.8.2-3] [MQTT-3.8.4-8], RETAIN
    /// as for any subscription [MQTT-3.3.1-12], tagged with the group so that it can be re-offered.
    /// </summary>
    private static OutboundMessage CreateSharedMessage(SharedSubscriptionGroup group, Subscription member, MqttApplicationMessage message)
    {
        var qos = (MqttQualityOfService)Math.Min((byte)member.QoS, (byte)message.QoS);
        return new OutboundMessage(message, qos, member.RetainAsPublished && message.Retain, member.SubscriptionIds) { SharedGroup = group };
    }

    /// <summary>
    /// A session ended (its memberships already removed): its shared messages go to other members of their groups
    /// instead of being dropped, and leave <paramref name="dropped"/>. That covers messages never sent and QoS 1
    /// messages sent but not acknowledged ("the Server SHOULD send the Application Message to another Client that is
    /// subscribed to the same Shared Subscription", section 4.8.2). A QoS 2 message already sent is not: "If the
    /// Client's Session terminates before the Client reconnects, the Server MUST NOT send the Application Message to
    /// any other subscribed Client" [MQTT-4.8.2-5]. What no member can take stays in <paramref name="dropped"/>.
    /// </summary>
    internal void ReofferShared(List<OutboundMessage> dropped)
    {
        if (Subscriptions.Shared.Count == 0)
        {
            return;
        }

        dropped.RemoveAll(m => m.SharedGroup is { } group && !m.Released &&
                               (!m.Sent || m.QoS == MqttQualityOfService.AtLeastOnce) &&
                               group.Members is { Length: > 0 } members &&
                               TryOfferShared(group, members, m.Message, exclude: null, out _));
    }

    /// <summary>
    /// A member left a group (UNSUBSCRIBE): the group's messages still waiting in its queue, never sent, are
    /// offered to the other members; what none can take stays queued for the leaving member, which may still
    /// deliver buffered messages (section 3.10.4). Messages already in flight complete with it [MQTT-3.10.4-3].
    /// </summary>
    internal void ReofferQueuedShared(MqttSession session, string filter)
    {
        if (!MqttTopic.IsShared(filter) || Subscriptions.Shared.FindGroup(filter) is not { } group)
        {
            return;
        }

        var taken = session.Outbox.TakeQueued(group);
        if (taken.Count == 0)
        {
            return;
        }

        var members = group.Members;
        taken.RemoveAll(m => TryOfferShared(group, members, m.Message, exclude: session, out _));
        if (taken.Count > 0)
        {
            session.Outbox.ReturnQueued(taken);
        }
    }
}
