using Gmqtt.Broker;
using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Topics;

namespace Gmqtt;

public sealed partial class MqttBroker
{
    /// <summary>Every session, online and offline, ordered by client identifier.</summary>
    public IReadOnlyList<MqttClientSnapshot> GetClients() =>
        [.. Sessions.All.OrderBy(s => s.ClientId, StringComparer.Ordinal).Select(Snapshot)];

    /// <summary>One session, or <see langword="null"/> when the client identifier has none.</summary>
    public MqttClientSnapshot? GetClient(string clientId) =>
        Sessions.TryGet(clientId, out var session) ? Snapshot(session) : null;

    /// <summary>Closes the client's connection; with <paramref name="endSession"/>, also discards its session.</summary>
    /// <returns>False when there was neither a connection nor (with <paramref name="endSession"/>) a session.</returns>
    public Task<bool> DisconnectClientAsync(string clientId, bool endSession = false) =>
        DisconnectClientAsync(clientId, endSession, MqttReasonCode.AdministrativeAction);

    /// <summary>
    /// Closes the client's connection, telling an MQTT 5.0 client why with <paramref name="reasonCode"/> in DISCONNECT
    /// (MQTT 3.x clients are simply disconnected); with <paramref name="endSession"/>, also discards its session.
    /// </summary>
    /// <param name="clientId">The client identifier.</param>
    /// <param name="endSession">Whether to discard the session as well.</param>
    /// <param name="reasonCode">A reason code a server may send in DISCONNECT, e.g. <see cref="MqttReasonCode.UseAnotherServer"/>.</param>
    /// <param name="serverReference">For a redirection (0x9C Use another server, 0x9D Server moved; section 4.11), where to go.</param>
    /// <returns>False when there was neither a connection nor (with <paramref name="endSession"/>) a session.</returns>
    public async Task<bool> DisconnectClientAsync(string clientId, bool endSession, MqttReasonCode reasonCode, string? serverReference = null)
    {
        if (!MqttReasonCodes.IsAllowed(MqttPacketType.Disconnect, reasonCode) || reasonCode == MqttReasonCode.DisconnectWithWillMessage)
        {
            throw new ArgumentOutOfRangeException(nameof(reasonCode), reasonCode, "Not a reason code the server may send in DISCONNECT.");
        }

        if (!Sessions.TryGet(clientId, out var session))
        {
            return false;
        }

        var connection = session.Connection;
        if (connection is not null)
        {
            await connection.CloseAsync(MqttCloseReason.AdministrativeAction, reasonCode, serverReference).ConfigureAwait(false);
        }

        if (endSession)
        {
            await Sessions.EndSessionAsync(session, MqttSessionTerminationReason.AdministrativeAction).ConfigureAwait(false);
            return true;
        }

        return connection is not null;
    }

    /// <summary>
    /// Subscribes a client's session on its behalf, online or offline, as if it had sent SUBSCRIBE with this one
    /// filter: the same checks, quota, Maximum QoS and subscribe hooks decide, and once granted the retained messages
    /// follow its Retain Handling (none for a shared subscription) and the subscribed hooks run. The hooks see the
    /// session's client; for an offline session, only its identifier and protocol version.
    /// </summary>
    /// <returns>
    /// The code a SUBACK would carry: the granted QoS, or a refusal (0x80 and above) such as
    /// <see cref="MqttReasonCode.QuotaExceeded"/> or a hook's; <see cref="MqttReasonCode.TopicFilterInvalid"/> also
    /// for a filter a SUBSCRIBE could not carry (malformed, or No Local on a shared subscription [MQTT-3.8.3-4]).
    /// <see langword="null"/> when the client identifier has no session.
    /// </returns>
    public async Task<MqttReasonCode?> SubscribeAsync(string clientId, MqttTopicFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        ArgumentNullException.ThrowIfNull(filter);
        cancellationToken.ThrowIfCancellationRequested();
        if (!Sessions.TryGet(clientId, out var session))
        {
            return null;
        }

        var shared = MqttTopic.IsShared(filter.Filter);
        if (shared ? !MqttTopic.IsValidSharedFilter(filter.Filter) || filter.NoLocal : !MqttTopic.IsValidTopicFilter(filter.Filter))
        {
            return MqttReasonCode.TopicFilterInvalid;
        }

        var client = session.Connection?.Client ?? new MqttClientInfo { ClientId = session.ClientId, ProtocolVersion = session.ProtocolVersion };
        var result = await Router.SubscribeAsync(session, client, filter, subscriptionId: null).ConfigureAwait(false);
        if (result.Subscription is { } subscription)
        {
            await Router.CompleteSubscribeAsync(client, filter, subscription, result.IsNew).ConfigureAwait(false);
        }

        return result.Code;
    }

    /// <summary>Removes a subscription on the client's behalf; false when it did not exist.</summary>
    public bool Unsubscribe(string clientId, string filter)
    {
        if (!Sessions.TryGet(clientId, out var session))
        {
            return false;
        }

        return Router.RemoveSubscription(session, filter);
    }

    /// <summary>
    /// The seconds left of a routed message's MQTT 5.0 Message Expiry Interval, by the broker's clock: <see langword="null"/>
    /// when it has none, 0 once it has expired (the broker then no longer delivers it). For a message the broker has
    /// received or published, such as one read from <see cref="RetainedMessages"/>.
    /// </summary>
    public uint? GetRemainingExpiry(MqttApplicationMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.RemainingExpiry(TimeProvider);
    }

    private static MqttClientSnapshot Snapshot(MqttSession session)
    {
        var connection = session.Connection;
        var client = connection?.Client;
        var traffic = default(TrafficCounts);
        if (connection is not null)
        {
            traffic.Add(ref connection.Traffic);
        }

        return new MqttClientSnapshot(
            session.ClientId,
            connection is not null,
            session.EndsWithConnection,
            session.ProtocolVersion,
            client?.UserName,
            client?.RemoteEndPoint,
            client?.Transport,
            client?.ConnectedAt,
            connection?.KeepAlive ?? 0,
            [.. session.GetSubscriptions().Select(s => new MqttTopicFilter
            {
                Filter = s.Filter,
                MaximumQoS = s.QoS,
                NoLocal = s.NoLocal,
                RetainAsPublished = s.RetainAsPublished,
                RetainHandling = s.RetainHandling,
            })],
            session.Outbox.QueuedCount,
            session.Outbox.InflightCount,
            session.ExpiryInterval,
            traffic.MessagesReceived,
            traffic.MessagesSent,
            traffic.BytesReceived,
            traffic.BytesSent,
            session.Outbox.PendingRetainedCount);
    }
}
