using Gmqtt.Broker;
using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Gmqtt.Storage;
using Gmqtt.Subscriptions;
using Microsoft.Extensions.Logging;

namespace Gmqtt;

/// <summary>The broker's side of the session store: loading at start, and what each session change writes.</summary>
public sealed partial class MqttBroker
{
    private readonly MqttStoreWriter? _storeWriter;
    private volatile bool _ready;
    private Task? _startTask;

    /// <summary>
    /// Whether the broker serves clients: true once the session store has been loaded (<see cref="StartAsync"/>), at
    /// once with a store that keeps nothing. Connections that arrive earlier are closed.
    /// </summary>
    public bool IsReady => _ready;

    /// <summary>Why the session store's last commit failed, or <see langword="null"/> while it commits.</summary>
    public string? StorageFailure => _storeWriter?.LastFailure;

    /// <summary>The store writer, or <see langword="null"/> when the session store keeps nothing.</summary>
    internal MqttStoreWriter? StoreWriter => _storeWriter;

    /// <summary>
    /// Loads the session store — sessions with their subscriptions, queued and in-flight messages, inbound QoS 2
    /// identifiers, wills and expiry deadlines, and retained messages — and re-arms the expiry and will timers. The
    /// host calls it before its listeners start; a store that cannot be read fails it, so the broker never starts
    /// empty over data it could not read.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_stopping)
        {
            return _startTask ??= StartCoreAsync(cancellationToken);
        }
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        if (_storeWriter is null)
        {
            _ready = true;
            return;
        }

        var started = TimeProvider.GetTimestamp();
        var snapshot = await SessionStore.LoadAsync(cancellationToken).ConfigureAwait(false);
        var (sessions, messages, lastSequence, lastMessageId) = Restore(snapshot);
        _storeWriter.Start(lastSequence, lastMessageId);
        _ready = true;
        LogStoreLoaded(Logger, sessions, messages, snapshot.RetainedMessages.Count, TimeProvider.GetElapsedTime(started).TotalMilliseconds);
    }

    private (int Sessions, int Messages, long LastSequence, long LastMessageId) Restore(MqttStoreSnapshot snapshot)
    {
        foreach (var retained in snapshot.RetainedMessages)
        {
            if (Restored(retained) is { } message)
            {
                ((JournaledRetainedMessageStore)RetainedMessages).Inner.Set(message); // Loaded, not changed: nothing to write back.
            }
        }

        // One live message per stored body, however many entries refer to it.
        var bodies = new Dictionary<long, MqttApplicationMessage>();
        long lastSequence = 0, lastMessageId = 0;
        var messages = 0;
        var now = TimeProvider.GetUtcNow();
        foreach (var stored in snapshot.Sessions)
        {
            var session = new MqttSession(stored.ClientId, Options)
            {
                ProtocolVersion = stored.ProtocolVersion,
                ExpiryInterval = stored.ExpiryInterval,
                Journal = _storeWriter,
            };
            foreach (var s in stored.Subscriptions)
            {
                var subscription = new Subscription(session, s.Filter, s.QoS, s.NoLocal, s.RetainAsPublished, s.RetainHandling, s.SubscriptionIdentifier);
                session.SetSubscription(subscription);
                Router.Subscriptions.Add(subscription);
            }

            var entries = new List<OutboundMessage>(stored.Outbox.Count);
            foreach (var entry in stored.Outbox)
            {
                lastSequence = Math.Max(lastSequence, entry.Sequence);
                lastMessageId = Math.Max(lastMessageId, entry.Message.Id);
                if (!bodies.TryGetValue(entry.Message.Id, out var message))
                {
                    message = Restored(entry.Message) ?? entry.Message.Message;
                    message.StoreId = entry.Message.Id;
                    bodies.Add(entry.Message.Id, message);
                }

                message.StoreReferences++;
                var subscriptionIds = entry.SubscriptionIds is { Count: > 0 } ids ? ids.ToList() : null;
                entries.Add(new OutboundMessage(message, entry.QoS, entry.Retain, subscriptionIds)
                {
                    Sequence = entry.Sequence,
                    PacketId = entry.PacketId,
                    Released = entry.Released,
                });
            }

            session.Restore(entries, stored.InboundQoS2);
            messages += entries.Count;
            _sessions[stored.ClientId] = session;

            // Offline until its client comes back. A session stored as online lost its connection in the crash:
            // its expiry and a delayed will count from now.
            if (stored.ExpiryInterval != uint.MaxValue)
            {
                var expiresAt = stored.ExpiresAt ?? now.AddSeconds(stored.ExpiryInterval);
                session.ExpiryTimer = new DeadlineTimer(TimeProvider, Max(expiresAt - now, TimeSpan.Zero), () => Background.Track(ExpireSessionAsync(session)));
            }

            if (stored.Will is { } will)
            {
                var client = new MqttClientInfo { ClientId = stored.ClientId, ProtocolVersion = stored.ProtocolVersion, Transport = "restored" };
                var willAt = stored.WillAt ?? now.AddSeconds(stored.WillDelayInterval);
                session.PendingWill = (will, client, new DeadlineTimer(TimeProvider, Max(willAt - now, TimeSpan.Zero), () => Background.Track(PublishPendingWillAsync(session))));
            }
        }

        return (snapshot.Sessions.Count, messages, lastSequence, lastMessageId);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>A stored message as the broker holds it, with its absolute expiry; null once it has expired.</summary>
    private MqttApplicationMessage? Restored(MqttStoredMessage stored)
    {
        var message = stored.Message;
        message.ExpiresAt = stored.ExpiresAt;
        return message.ExpiresAt is { } expiresAt && expiresAt <= TimeProvider.GetUtcNow() ? null : message;
    }

    /// <summary>
    /// Saves a stored session's own record (not its subscriptions or outbox): at connect, at disconnect (with the
    /// offline deadline and a delayed will), and when a delayed will went out. Called under the session's lock.
    /// </summary>
    private void SaveSession(MqttSession session, MqttApplicationMessage? will, uint willDelay, DateTimeOffset? willAt, bool online)
    {
        var expiresAt = online || session.ExpiryInterval == uint.MaxValue ? (DateTimeOffset?)null : TimeProvider.GetUtcNow().AddSeconds(session.ExpiryInterval);
        session.Journal?.Add(new MqttStoreChange.SessionSaved(new MqttStoredSession
        {
            ClientId = session.ClientId,
            ProtocolVersion = session.ProtocolVersion,
            ExpiryInterval = session.ExpiryInterval,
            ExpiresAt = expiresAt,
            Will = will,
            WillDelayInterval = willDelay,
            WillAt = willAt,
        }));
    }

    /// <summary>
    /// A session leaves the store (it ended, or now ends with its connection): its record, subscriptions, outbox and
    /// inbound identifiers go, and its references to message bodies with them.
    /// </summary>
    private void ForgetStoredSession(MqttSession session, IEnumerable<OutboundMessage> entries)
    {
        if (session.Journal is not { } journal)
        {
            return;
        }

        session.Journal = null;
        journal.Add(new MqttStoreChange.SessionRemoved(session.ClientId));
        foreach (var entry in entries)
        {
            if (entry.QoS > MqttQualityOfService.AtMostOnce)
            {
                journal.Released(entry.Message);
            }
        }
    }

    [LoggerMessage(210, LogLevel.Information, "Session store loaded: {Sessions} sessions, {Messages} queued or in-flight messages, {Retained} retained messages in {Milliseconds:F0} ms.")]
    private static partial void LogStoreLoaded(ILogger logger, int sessions, int messages, int retained, double milliseconds);
}
