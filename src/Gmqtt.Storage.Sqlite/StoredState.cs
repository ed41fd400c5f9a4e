namespace Gmqtt.Storage.Sqlite;

/// <summary>
/// What the log adds up to: the sessions, outbox entries, message bodies and retained messages that are stored now.
/// Replayed from the log at start, kept up to date by every commit, and written out whole when the log is compacted.
/// It holds the broker's own message objects (a change refers to them), so it costs the store no copy of a payload.
/// </summary>
internal sealed class StoredState
{
    private readonly Dictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<long, (string ClientId, MqttStoredOutboxEntry Entry)> _outbox = [];
    private readonly Dictionary<long, MqttStoredMessage> _messages = [];
    private readonly Dictionary<string, MqttStoredMessage> _retained = new(StringComparer.Ordinal);

    /// <summary>Records in the state, a measure of what a compaction writes.</summary>
    public long Count => _sessions.Count + _outbox.Count + _messages.Count + _retained.Count;

    public MqttStoredMessage? Message(long id) => _messages.GetValueOrDefault(id);

    /// <summary>Whether the outbox entry <paramref name="sequence"/> is stored.</summary>
    public bool HasEntry(long sequence) => _outbox.ContainsKey(sequence);

    /// <summary>The session of the outbox entry <paramref name="sequence"/>, when it is stored.</summary>
    public string? EntryOwner(long sequence) => _outbox.TryGetValue(sequence, out var entry) ? entry.ClientId : null;

    /// <summary>Whether the message body <paramref name="id"/> is stored.</summary>
    public bool HasMessage(long id) => _messages.ContainsKey(id);

    public void Apply(MqttStoreChange change)
    {
        switch (change)
        {
            case MqttStoreChange.SessionSaved { Session: var s }:
                if (_sessions.TryGetValue(s.ClientId, out var existing))
                {
                    existing.Record = s;
                }
                else
                {
                    _sessions[s.ClientId] = new Session(s);
                }

                break;
            case MqttStoreChange.SessionRemoved { ClientId: var clientId }:
                if (_sessions.Remove(clientId, out var removed))
                {
                    foreach (var sequence in removed.Outbox)
                    {
                        _outbox.Remove(sequence);
                    }
                }

                break;
            case MqttStoreChange.SubscriptionSaved { ClientId: var clientId, Subscription: var subscription }:
                if (_sessions.TryGetValue(clientId, out var subscriber))
                {
                    subscriber.Subscriptions[subscription.Filter] = subscription;
                }

                break;
            case MqttStoreChange.SubscriptionRemoved { ClientId: var clientId, Filter: var filter }:
                if (_sessions.TryGetValue(clientId, out var unsubscriber))
                {
                    unsubscriber.Subscriptions.Remove(filter);
                }

                break;
            case MqttStoreChange.MessageSaved { Message: var message }:
                _messages[message.Id] = message;
                break;
            case MqttStoreChange.MessageRemoved { MessageId: var id }:
                _messages.Remove(id);
                break;
            case MqttStoreChange.OutboxEntrySaved { ClientId: var clientId, Entry: var entry }:
                if (_sessions.TryGetValue(clientId, out var owner))
                {
                    if (_outbox.TryGetValue(entry.Sequence, out var previous) && previous.ClientId != clientId &&
                        _sessions.TryGetValue(previous.ClientId, out var previousOwner))
                    {
                        previousOwner.Outbox.Remove(entry.Sequence);
                    }

                    _outbox[entry.Sequence] = (clientId, entry);
                    owner.Outbox.Add(entry.Sequence);
                }

                break;
            case MqttStoreChange.OutboxEntryRemoved { ClientId: var clientId, Sequence: var sequence }:
                if (_outbox.Remove(sequence, out var gone) && _sessions.TryGetValue(gone.ClientId, out var holder))
                {
                    holder.Outbox.Remove(sequence);
                }

                break;
            case MqttStoreChange.InboundQoS2Changed { ClientId: var clientId, PacketId: var packetId, Pending: var pending }:
                if (_sessions.TryGetValue(clientId, out var publisher))
                {
                    _ = pending ? publisher.InboundQoS2.Add(packetId) : publisher.InboundQoS2.Remove(packetId);
                }

                break;
            case MqttStoreChange.RetainedStreamSaved { ClientId: var clientId, Stream: var stream }:
                if (_sessions.TryGetValue(clientId, out var streaming))
                {
                    streaming.RetainedStreams[stream.Filter] = stream;
                }

                break;
            case MqttStoreChange.RetainedStreamRemoved { ClientId: var clientId, Filter: var filter }:
                if (_sessions.TryGetValue(clientId, out var streamed))
                {
                    streamed.RetainedStreams.Remove(filter);
                }

                break;
            case MqttStoreChange.RetainedSaved { Message: var message }:
                _retained[message.Message.Topic] = message;
                break;
            case MqttStoreChange.RetainedRemoved { Topic: var topic }:
                _retained.Remove(topic);
                break;
            default:
                throw new NotSupportedException($"Unknown store change {change.GetType().Name}.");
        }
    }

    /// <summary>The state as the changes that rebuild it, bodies before the entries that refer to them.</summary>
    public IEnumerable<MqttStoreChange> AsChanges()
    {
        foreach (var message in _messages.Values)
        {
            yield return new MqttStoreChange.MessageSaved(message);
        }

        foreach (var retained in _retained.Values)
        {
            yield return new MqttStoreChange.RetainedSaved(retained);
        }

        foreach (var session in _sessions.Values)
        {
            yield return new MqttStoreChange.SessionSaved(session.Record);
            foreach (var subscription in session.Subscriptions.Values)
            {
                yield return new MqttStoreChange.SubscriptionSaved(session.Record.ClientId, subscription);
            }

            foreach (var packetId in session.InboundQoS2)
            {
                yield return new MqttStoreChange.InboundQoS2Changed(session.Record.ClientId, packetId, Pending: true);
            }

            foreach (var sequence in session.Outbox)
            {
                yield return new MqttStoreChange.OutboxEntrySaved(session.Record.ClientId, _outbox[sequence].Entry);
            }

            foreach (var stream in session.RetainedStreams.Values)
            {
                yield return new MqttStoreChange.RetainedStreamSaved(session.Record.ClientId, stream);
            }
        }
    }

    /// <summary>The state as the broker loads it: sessions with their outbox in send order.</summary>
    public MqttStoreSnapshot ToSnapshot() => new()
    {
        Sessions = [.. _sessions.Values.Select(s => s.Record with
        {
            Subscriptions = [.. s.Subscriptions.Values],
            Outbox = [.. s.Outbox.Order().Select(sequence => _outbox[sequence].Entry)],
            InboundQoS2 = [.. s.InboundQoS2],
            RetainedStreams = [.. s.RetainedStreams.Values],
        })],
        RetainedMessages = [.. _retained.Values],
    };

    private sealed class Session(MqttStoredSession record)
    {
        public MqttStoredSession Record { get; set; } = record;

        public Dictionary<string, MqttStoredSubscription> Subscriptions { get; } = new(StringComparer.Ordinal);

        public HashSet<long> Outbox { get; } = [];

        public HashSet<ushort> InboundQoS2 { get; } = [];

        public Dictionary<string, MqttStoredRetainedStream> RetainedStreams { get; } = new(StringComparer.Ordinal);
    }
}
