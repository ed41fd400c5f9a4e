using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Gmqtt.Storage.Sqlite;

public sealed partial class SqliteSessionStore
{
    /// <summary>
    /// One prepared statement per kind of change, reused for every commit: a group commit of thousands of changes
    /// parses no SQL. Used by the broker's one writer only.
    /// </summary>
    private sealed class Commands : IDisposable
    {
        private readonly SqliteCommand _saveSession;
        private readonly SqliteCommand[] _removeSession;
        private readonly SqliteCommand _saveSubscription;
        private readonly SqliteCommand _removeSubscription;
        private readonly SqliteCommand _saveMessage;
        private readonly SqliteCommand _removeMessage;
        private readonly SqliteCommand _saveEntry;
        private readonly SqliteCommand _removeEntry;
        private readonly SqliteCommand _addInbound;
        private readonly SqliteCommand _removeInbound;
        private readonly SqliteCommand _saveRetained;
        private readonly SqliteCommand _removeRetained;
        private readonly List<SqliteCommand> _all = [];

        public Commands(SqliteConnection connection)
        {
            SqliteCommand Prepare(string sql, params string[] parameters)
            {
                var command = connection.CreateCommand();
                command.CommandText = sql;
                foreach (var name in parameters)
                {
                    command.Parameters.Add(new SqliteParameter(name, null));
                }

                _all.Add(command);
                return command;
            }

            _saveSession = Prepare(
                "INSERT OR REPLACE INTO session VALUES($c, $version, $expiry, $expires_at, $will, $will_delay, $will_at)",
                "$c", "$version", "$expiry", "$expires_at", "$will", "$will_delay", "$will_at");
            _removeSession =
            [
                Prepare("DELETE FROM session WHERE client_id = $c", "$c"),
                Prepare("DELETE FROM subscription WHERE client_id = $c", "$c"),
                Prepare("DELETE FROM outbox WHERE client_id = $c", "$c"),
                Prepare("DELETE FROM inbound_qos2 WHERE client_id = $c", "$c"),
            ];
            _saveSubscription = Prepare(
                "INSERT OR REPLACE INTO subscription VALUES($c, $filter, $qos, $no_local, $rap, $rh, $id)",
                "$c", "$filter", "$qos", "$no_local", "$rap", "$rh", "$id");
            _removeSubscription = Prepare("DELETE FROM subscription WHERE client_id = $c AND filter = $filter", "$c", "$filter");
            _saveMessage = Prepare("INSERT OR REPLACE INTO message VALUES($id, $body, $expires_at)", "$id", "$body", "$expires_at");
            _removeMessage = Prepare("DELETE FROM message WHERE id = $id", "$id");
            _saveEntry = Prepare(
                "INSERT OR REPLACE INTO outbox VALUES($seq, $c, $message, $qos, $retain, $ids, $packet_id, $released)",
                "$seq", "$c", "$message", "$qos", "$retain", "$ids", "$packet_id", "$released");
            _removeEntry = Prepare("DELETE FROM outbox WHERE seq = $seq", "$seq");
            _addInbound = Prepare("INSERT OR IGNORE INTO inbound_qos2 VALUES($c, $packet_id)", "$c", "$packet_id");
            _removeInbound = Prepare("DELETE FROM inbound_qos2 WHERE client_id = $c AND packet_id = $packet_id", "$c", "$packet_id");
            _saveRetained = Prepare("INSERT OR REPLACE INTO retained VALUES($topic, $body, $expires_at)", "$topic", "$body", "$expires_at");
            _removeRetained = Prepare("DELETE FROM retained WHERE topic = $topic", "$topic");
        }

        public void Enlist(SqliteTransaction transaction)
        {
            foreach (var command in _all)
            {
                command.Transaction = transaction;
            }
        }

        public void Apply(MqttStoreChange change)
        {
            switch (change)
            {
                case MqttStoreChange.SessionSaved { Session: var s }:
                    Run(_saveSession, s.ClientId, (int)s.ProtocolVersion, (long)s.ExpiryInterval, Milliseconds(s.ExpiresAt),
                        s.Will is null ? null : MqttMessageCodec.Encode(s.Will), (long)s.WillDelayInterval, Milliseconds(s.WillAt));
                    break;
                case MqttStoreChange.SessionRemoved { ClientId: var clientId }:
                    foreach (var command in _removeSession)
                    {
                        Run(command, clientId);
                    }

                    break;
                case MqttStoreChange.SubscriptionSaved { ClientId: var clientId, Subscription: var s }:
                    Run(_saveSubscription, clientId, s.Filter, (int)s.QoS, s.NoLocal, s.RetainAsPublished, (int)s.RetainHandling, (long?)s.SubscriptionIdentifier);
                    break;
                case MqttStoreChange.SubscriptionRemoved { ClientId: var clientId, Filter: var filter }:
                    Run(_removeSubscription, clientId, filter);
                    break;
                case MqttStoreChange.MessageSaved { Message: var m }:
                    Run(_saveMessage, m.Id, MqttMessageCodec.Encode(m.Message), Milliseconds(m.ExpiresAt));
                    break;
                case MqttStoreChange.MessageRemoved { MessageId: var id }:
                    Run(_removeMessage, id);
                    break;
                case MqttStoreChange.OutboxEntrySaved { ClientId: var clientId, Entry: var e }:
                    Run(_saveEntry, e.Sequence, clientId, e.Message.Id, (int)e.QoS, e.Retain,
                        e.SubscriptionIds is { Count: > 0 } ids ? string.Join(',', ids.Select(i => i.ToString(CultureInfo.InvariantCulture))) : null,
                        (int)e.PacketId, e.Released);
                    break;
                case MqttStoreChange.OutboxEntryRemoved { Sequence: var sequence }:
                    Run(_removeEntry, sequence);
                    break;
                case MqttStoreChange.InboundQoS2Changed { ClientId: var clientId, PacketId: var packetId, Pending: var pending }:
                    Run(pending ? _addInbound : _removeInbound, clientId, (int)packetId);
                    break;
                case MqttStoreChange.RetainedSaved { Message: var m }:
                    Run(_saveRetained, m.Message.Topic, MqttMessageCodec.Encode(m.Message), Milliseconds(m.ExpiresAt));
                    break;
                case MqttStoreChange.RetainedRemoved { Topic: var topic }:
                    Run(_removeRetained, topic);
                    break;
                default:
                    throw new NotSupportedException($"Unknown store change {change.GetType().Name}.");
            }
        }

        public void Dispose()
        {
            foreach (var command in _all)
            {
                command.Dispose();
            }
        }

        private static void Run(SqliteCommand command, params object?[] values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters[i].Value = values[i] ?? DBNull.Value;
            }

            command.ExecuteNonQuery();
        }

        private static long? Milliseconds(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds();
    }
}
