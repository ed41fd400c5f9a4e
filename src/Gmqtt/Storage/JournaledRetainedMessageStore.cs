using Gmqtt.Broker;

namespace Gmqtt.Storage;

/// <summary>
/// The retained store as the broker and its API see it when the session store is durable: every change also goes
/// to the session store's writer, so a retained message set by a client, by the server-side API or cleared on expiry
/// is committed the same way (the broker's own <c>$SYS/broker</c> values excepted: they are rebuilt at start).
/// </summary>
internal sealed class JournaledRetainedMessageStore(IMqttRetainedMessageStore inner, MqttStoreWriter writer) : IMqttRetainedMessageStore
{
    /// <summary>The store underneath, for loading at start without writing back.</summary>
    public IMqttRetainedMessageStore Inner { get; } = inner;

    public int Count => Inner.Count;

    public void Set(MqttApplicationMessage message)
    {
        Inner.Set(message);
        if (!Diagnostics.SysTopicPublisher.IsBrokerSysTopic(message.Topic))
        {
            writer.Add(new MqttStoreChange.RetainedSaved(MqttStoreWriter.Stored(message, 0)));
        }
    }

    public bool Remove(string topic)
    {
        if (!Inner.Remove(topic))
        {
            return false;
        }

        if (!Diagnostics.SysTopicPublisher.IsBrokerSysTopic(topic))
        {
            writer.Add(new MqttStoreChange.RetainedRemoved(topic));
        }

        return true;
    }

    public MqttApplicationMessage? Get(string topic) => Inner.Get(topic);

    public IReadOnlyList<MqttApplicationMessage> Match(string filter) => Inner.Match(filter);
}
