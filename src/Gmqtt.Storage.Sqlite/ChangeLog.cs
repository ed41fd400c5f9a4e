using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Gmqtt.Protocol;

namespace Gmqtt.Storage.Sqlite;

/// <summary>
/// The binary form of <see cref="MqttStoreChange"/> records in the store's log: one record after another, each a kind
/// byte and its fields (lengths as variable-length integers, times as Unix milliseconds, message bodies as the MQTT 5.0
/// PUBLISH packet the codec writes). One commit of the broker is one log row, so a group commit of thousands of changes
/// is one insert.
/// </summary>
internal static class ChangeLog
{
    private enum Kind : byte
    {
        SessionSaved = 1,
        SessionRemoved,
        SubscriptionSaved,
        SubscriptionRemoved,
        MessageSaved,
        MessageRemoved,
        OutboxEntrySaved,
        OutboxEntryRemoved,
        InboundQoS2Changed,
        RetainedSaved,
        RetainedRemoved,
        RetainedStreamSaved,
        RetainedStreamRemoved,
    }

    public static void Write(ArrayBufferWriter<byte> output, MqttStoreChange change)
    {
        var w = new Writer(output);
        switch (change)
        {
            case MqttStoreChange.SessionSaved { Session: var s }:
                w.Kind(Kind.SessionSaved);
                w.String(s.ClientId);
                w.Byte((byte)s.ProtocolVersion);
                w.UInt(s.ExpiryInterval);
                w.Time(s.ExpiresAt);
                w.Bool(s.Will is not null);
                if (s.Will is not null)
                {
                    w.Message(new MqttStoredMessage(0, s.Will, null));
                }

                w.UInt(s.WillDelayInterval);
                w.Time(s.WillAt);
                break;
            case MqttStoreChange.SessionRemoved { ClientId: var clientId }:
                w.Kind(Kind.SessionRemoved);
                w.String(clientId);
                break;
            case MqttStoreChange.SubscriptionSaved { ClientId: var clientId, Subscription: var s }:
                w.Kind(Kind.SubscriptionSaved);
                w.String(clientId);
                w.String(s.Filter);
                w.Byte((byte)((int)s.QoS | (s.NoLocal ? 4 : 0) | (s.RetainAsPublished ? 8 : 0) | ((int)s.RetainHandling << 4)));
                w.UInt(s.SubscriptionIdentifier is { } identifier ? identifier + 1 : 0);
                break;
            case MqttStoreChange.SubscriptionRemoved { ClientId: var clientId, Filter: var filter }:
                w.Kind(Kind.SubscriptionRemoved);
                w.String(clientId);
                w.String(filter);
                break;
            case MqttStoreChange.MessageSaved { Message: var m }:
                w.Kind(Kind.MessageSaved);
                w.Long(m.Id);
                w.Time(m.ExpiresAt);
                w.Message(m);
                break;
            case MqttStoreChange.MessageRemoved { MessageId: var messageId }:
                w.Kind(Kind.MessageRemoved);
                w.Long(messageId);
                break;
            case MqttStoreChange.OutboxEntrySaved { ClientId: var clientId, Entry: var e }:
                w.Kind(Kind.OutboxEntrySaved);
                w.Long(e.Sequence);
                w.String(clientId);
                w.Long(e.Message.Id);
                w.Byte((byte)((int)e.QoS | (e.Retain ? 4 : 0) | (e.Released ? 8 : 0)));
                w.UInt(e.PacketId);
                w.UInt((uint)(e.SubscriptionIds?.Count ?? 0));
                foreach (var subscriptionId in e.SubscriptionIds ?? [])
                {
                    w.UInt(subscriptionId);
                }

                break;
            case MqttStoreChange.OutboxEntryRemoved { ClientId: var clientId, Sequence: var sequence }:
                w.Kind(Kind.OutboxEntryRemoved);
                w.Long(sequence);
                w.String(clientId);
                break;
            case MqttStoreChange.InboundQoS2Changed { ClientId: var clientId, PacketId: var packetId, Pending: var pending }:
                w.Kind(Kind.InboundQoS2Changed);
                w.String(clientId);
                w.UInt(packetId);
                w.Bool(pending);
                break;
            case MqttStoreChange.RetainedSaved { Message: var m }:
                w.Kind(Kind.RetainedSaved);
                w.Time(m.ExpiresAt);
                w.Message(m);
                break;
            case MqttStoreChange.RetainedRemoved { Topic: var topic }:
                w.Kind(Kind.RetainedRemoved);
                w.String(topic);
                break;
            case MqttStoreChange.RetainedStreamSaved { ClientId: var clientId, Stream: var stream }:
                w.Kind(Kind.RetainedStreamSaved);
                w.String(clientId);
                w.String(stream.Filter);
                w.Byte((byte)stream.QoS);
                w.UInt((uint)(stream.SubscriptionIds?.Count ?? 0));
                foreach (var subscriptionId in stream.SubscriptionIds ?? [])
                {
                    w.UInt(subscriptionId);
                }

                w.Bool(stream.After is not null);
                if (stream.After is not null)
                {
                    w.String(stream.After);
                }

                break;
            case MqttStoreChange.RetainedStreamRemoved { ClientId: var clientId, Filter: var filter }:
                w.Kind(Kind.RetainedStreamRemoved);
                w.String(clientId);
                w.String(filter);
                break;
            default:
                throw new NotSupportedException($"Unknown store change {change.GetType().Name}.");
        }
    }

    /// <summary>
    /// Reads the records of one log row. An outbox entry refers to its message by id: <paramref name="messages"/>
    /// resolves it (bodies are always logged before the entries that refer to them).
    /// </summary>
    public static IEnumerable<MqttStoreChange> Read(byte[] data, Func<long, MqttStoredMessage?> messages)
    {
        var offset = 0;
        while (offset < data.Length)
        {
            var r = new Reader(data, offset);
            yield return ReadOne(ref r, messages);
            offset = r.Offset;
        }
    }

    private static MqttStoreChange ReadOne(ref Reader r, Func<long, MqttStoredMessage?> messages)
    {
        switch ((Kind)r.Byte())
        {
            case Kind.SessionSaved:
                var clientId = r.String();
                var version = (MqttProtocolVersion)r.Byte();
                var expiry = r.UInt();
                var expiresAt = r.Time();
                var will = r.Bool() ? r.Message() : null;
                return new MqttStoreChange.SessionSaved(new MqttStoredSession
                {
                    ClientId = clientId,
                    ProtocolVersion = version,
                    ExpiryInterval = expiry,
                    ExpiresAt = expiresAt,
                    Will = will,
                    WillDelayInterval = r.UInt(),
                    WillAt = r.Time(),
                });
            case Kind.SessionRemoved:
                return new MqttStoreChange.SessionRemoved(r.String());
            case Kind.SubscriptionSaved:
                var subscriber = r.String();
                var filter = r.String();
                var options = r.Byte();
                var id = r.UInt();
                return new MqttStoreChange.SubscriptionSaved(subscriber, new MqttStoredSubscription(
                    filter, (MqttQualityOfService)(options & 3), (options & 4) != 0, (options & 8) != 0, (MqttRetainHandling)(options >> 4), id == 0 ? null : id - 1));
            case Kind.SubscriptionRemoved:
                return new MqttStoreChange.SubscriptionRemoved(r.String(), r.String());
            case Kind.MessageSaved:
                var messageId = r.Long();
                var messageExpiresAt = r.Time();
                return new MqttStoreChange.MessageSaved(new MqttStoredMessage(messageId, r.Message(), messageExpiresAt));
            case Kind.MessageRemoved:
                return new MqttStoreChange.MessageRemoved(r.Long());
            case Kind.OutboxEntrySaved:
                var sequence = r.Long();
                var owner = r.String();
                var bodyId = r.Long();
                var flags = r.Byte();
                var packetId = (ushort)r.UInt();
                var count = (int)r.UInt();
                uint[]? subscriptionIds = count == 0 ? null : new uint[count];
                for (var i = 0; i < count; i++)
                {
                    subscriptionIds![i] = r.UInt();
                }

                var body = messages(bodyId) ?? throw new InvalidDataException($"Outbox entry {sequence} refers to message {bodyId}, which is not in the log.");
                return new MqttStoreChange.OutboxEntrySaved(owner, new MqttStoredOutboxEntry(
                    sequence, body, (MqttQualityOfService)(flags & 3), (flags & 4) != 0, subscriptionIds, packetId, (flags & 8) != 0));
            case Kind.OutboxEntryRemoved:
                var removed = r.Long();
                return new MqttStoreChange.OutboxEntryRemoved(r.String(), removed);
            case Kind.InboundQoS2Changed:
                return new MqttStoreChange.InboundQoS2Changed(r.String(), (ushort)r.UInt(), r.Bool());
            case Kind.RetainedSaved:
                var retainedExpiresAt = r.Time();
                return new MqttStoreChange.RetainedSaved(new MqttStoredMessage(0, r.Message(), retainedExpiresAt));
            case Kind.RetainedRemoved:
                return new MqttStoreChange.RetainedRemoved(r.String());
            case Kind.RetainedStreamSaved:
                var streamOwner = r.String();
                var streamFilter = r.String();
                var streamQoS = (MqttQualityOfService)r.Byte();
                var idCount = (int)r.UInt();
                uint[]? streamIds = idCount == 0 ? null : new uint[idCount];
                for (var i = 0; i < idCount; i++)
                {
                    streamIds![i] = r.UInt();
                }

                return new MqttStoreChange.RetainedStreamSaved(streamOwner, new MqttStoredRetainedStream(streamFilter, streamQoS, streamIds, r.Bool() ? r.String() : null));
            case Kind.RetainedStreamRemoved:
                return new MqttStoreChange.RetainedStreamRemoved(r.String(), r.String());
            case var kind:
                throw new InvalidDataException($"Unknown log record kind {(byte)kind}.");
        }
    }

    private readonly ref struct Writer(ArrayBufferWriter<byte> output)
    {
        public void Kind(Kind kind) => Byte((byte)kind);

        public void Byte(byte value)
        {
            output.GetSpan(1)[0] = value;
            output.Advance(1);
        }

        public void Bool(bool value) => Byte(value ? (byte)1 : (byte)0);

        public void UInt(uint value) => Long(value);

        public void Long(long value)
        {
            // Unsigned LEB128: small identifiers and lengths take one or two bytes.
            var span = output.GetSpan(10);
            var i = 0;
            var v = (ulong)value;
            while (v >= 0x80)
            {
                span[i++] = (byte)(v | 0x80);
                v >>= 7;
            }

            span[i++] = (byte)v;
            output.Advance(i);
        }

        public void Time(DateTimeOffset? time) => Long(time is { } t ? t.ToUnixTimeMilliseconds() + 1 : 0);

        public void String(string value)
        {
            var length = Encoding.UTF8.GetByteCount(value);
            Long(length);
            Encoding.UTF8.GetBytes(value, output.GetSpan(length));
            output.Advance(length);
        }

        /// <summary>The broker's encoding when it made one, else the codec's (the same bytes either way).</summary>
        public void Message(MqttStoredMessage message)
        {
            if (message.Encoded.IsEmpty)
            {
                MqttMessageCodec.Write(message.Message, output);
                return;
            }

            output.Write(message.Encoded.Span);
        }
    }

    private struct Reader(byte[] data, int offset)
    {
        private readonly byte[] _data = data;

        public int Offset { get; private set; } = offset;

        public byte Byte() => Offset < _data.Length ? _data[Offset++] : throw Truncated();

        public bool Bool() => Byte() != 0;

        public uint UInt() => checked((uint)Long());

        public long Long()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = Byte();
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return (long)value;
                }
            }

            throw new InvalidDataException("A length or number in the log is malformed.");
        }

        public DateTimeOffset? Time() => Long() is var ms && ms == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(ms - 1);

        public string String()
        {
            var length = checked((int)Long());
            if (length > _data.Length - Offset)
            {
                throw Truncated();
            }

            var value = Encoding.UTF8.GetString(_data, Offset, length);
            Offset += length;
            return value;
        }

        public MqttApplicationMessage Message()
        {
            var message = MqttMessageCodec.Read(_data.AsMemory(Offset), out var consumed);
            Offset += consumed;
            return message;
        }

        private static InvalidDataException Truncated() => new("A record in the log is truncated.");
    }
}
