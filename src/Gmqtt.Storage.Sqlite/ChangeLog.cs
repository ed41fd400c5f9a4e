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
/// <remarks>
/// Outbox entries, the most frequent records, are kept short: an entry names its session by a number that the log
/// defines once (a <c>ClientNumber</c> record before its first use), and a removal names only the entry's sequence,
/// which is unique over all sessions. The numbers belong to one log: a compaction starts a new table, and loading
/// rebuilds it from the definitions it reads.
/// </remarks>
internal sealed class ChangeLog
{
    // Writing: the number of each client id defined in the log, and those defined by the commit being written.
    private Dictionary<string, int> _numbers = new(StringComparer.Ordinal);
    private readonly List<string> _defining = [];

    // Reading: the client id of each number, as the definitions come.
    private readonly List<string> _clientIds = [];

    /// <summary>The records written since the last <see cref="Committed"/> are in the database: their definitions count.</summary>
    public void Committed() => _defining.Clear();

    /// <summary>The records written since the last <see cref="Committed"/> were not stored: forget what they defined.</summary>
    public void Abandoned()
    {
        foreach (var clientId in _defining)
        {
            _numbers.Remove(clientId);
        }

        _defining.Clear();
    }

    /// <summary>Starts a new log (a compaction): numbers are defined afresh. Returns the old table for <see cref="Restore"/>.</summary>
    public Dictionary<string, int> StartNew()
    {
        var old = _numbers;
        _numbers = new(StringComparer.Ordinal);
        _defining.Clear();
        return old;
    }

    /// <summary>The new log was not stored (a failed compaction): the old one and its numbers stand.</summary>
    public void Restore(Dictionary<string, int> numbers)
    {
        _numbers = numbers;
        _defining.Clear();
    }

    /// <summary>After loading: later records use the numbers the log already defines.</summary>
    public void ContinueAfterRead()
    {
        _numbers = new(StringComparer.Ordinal);
        for (var i = 0; i < _clientIds.Count; i++)
        {
            _numbers[_clientIds[i]] = i;
        }

        _clientIds.Clear();
    }
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

        // Schema 2: short outbox records. OutboxEntrySaved and OutboxEntryRemoved above are still read.
        ClientNumber,
        NumberedEntrySaved,
        SequenceRemoved,
    }

    public void Write(ArrayBufferWriter<byte> output, MqttStoreChange change)
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
                var number = Number(ref w, clientId);
                w.Kind(Kind.NumberedEntrySaved);
                w.Long(e.Sequence);
                w.UInt((uint)number);
                w.Long(e.Message.Id);
                w.Byte((byte)((int)e.QoS | (e.Retain ? 4 : 0) | (e.Released ? 8 : 0)));
                w.UInt(e.PacketId);
                w.UInts(e.SubscriptionIds);

                break;
            case MqttStoreChange.OutboxEntryRemoved { Sequence: var sequence }:
                w.Kind(Kind.SequenceRemoved);
                w.Long(sequence);
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
                w.UInts(stream.SubscriptionIds);

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

    /// <summary>The number of <paramref name="clientId"/> in this log, defined by a record written now if it has none.</summary>
    private int Number(ref Writer w, string clientId)
    {
        if (_numbers.TryGetValue(clientId, out var number))
        {
            return number;
        }

        number = _numbers.Count;
        _numbers[clientId] = number;
        _defining.Add(clientId);
        w.Kind(Kind.ClientNumber);
        w.UInt((uint)number);
        w.String(clientId);
        return number;
    }

    /// <summary>
    /// Reads the records of one log row, in the order of the log. An outbox entry refers to its message by id, which
    /// <paramref name="messages"/> resolves (bodies are always logged before the entries that refer to them); a removal
    /// by sequence finds its session through <paramref name="owners"/>.
    /// </summary>
    public IEnumerable<MqttStoreChange> Read(byte[] data, Func<long, MqttStoredMessage?> messages, Func<long, string?> owners)
    {
        var offset = 0;
        while (offset < data.Length)
        {
            var r = new Reader(data, offset);
            var change = ReadOne(ref r, messages, owners);
            offset = r.Offset;
            if (change is not null)
            {
                yield return change;
            }
        }
    }

    /// <summary>One record; null for a definition, which changes nothing stored.</summary>
    private MqttStoreChange? ReadOne(ref Reader r, Func<long, MqttStoredMessage?> messages, Func<long, string?> owners)
    {
        switch ((Kind)r.Byte())
        {
            case Kind.ClientNumber:
                var defined = (int)r.UInt();
                if (defined != _clientIds.Count)
                {
                    throw new InvalidDataException($"Client number {defined} is out of order in the log.");
                }

                _clientIds.Add(r.String());
                return null;
            case Kind.NumberedEntrySaved:
                var numberedSequence = r.Long();
                var clientNumber = (int)r.UInt();
                if (clientNumber >= _clientIds.Count)
                {
                    throw new InvalidDataException($"Outbox entry {numberedSequence} names client number {clientNumber}, which the log does not define.");
                }

                return Entry(ref r, numberedSequence, _clientIds[clientNumber], messages);
            case Kind.SequenceRemoved:
                var removedSequence = r.Long();
                return new MqttStoreChange.OutboxEntryRemoved(owners(removedSequence) ?? "", removedSequence);
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
                return Entry(ref r, sequence, r.String(), messages);
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
                var streamIds = r.UInts();
                return new MqttStoreChange.RetainedStreamSaved(streamOwner, new MqttStoredRetainedStream(streamFilter, streamQoS, streamIds, r.Bool() ? r.String() : null));
            case Kind.RetainedStreamRemoved:
                return new MqttStoreChange.RetainedStreamRemoved(r.String(), r.String());
            case var kind:
                throw new InvalidDataException($"Unknown log record kind {(byte)kind}.");
        }
    }

    /// <summary>The fields of an outbox entry after its sequence and owner.</summary>
    private static MqttStoreChange.OutboxEntrySaved Entry(ref Reader r, long sequence, string owner, Func<long, MqttStoredMessage?> messages)
    {
        var bodyId = r.Long();
        var flags = r.Byte();
        var packetId = (ushort)r.UInt();
        var subscriptionIds = r.UInts();
        var body = messages(bodyId) ?? throw new InvalidDataException($"Outbox entry {sequence} refers to message {bodyId}, which is not in the log.");
        return new MqttStoreChange.OutboxEntrySaved(owner, new MqttStoredOutboxEntry(
            sequence, body, (MqttQualityOfService)(flags & 3), (flags & 4) != 0, subscriptionIds, packetId, (flags & 8) != 0));
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

        /// <summary>A count, then the numbers (subscription identifiers); none is a count of 0.</summary>
        public void UInts(IReadOnlyList<uint>? values)
        {
            UInt((uint)(values?.Count ?? 0));
            foreach (var value in values ?? [])
            {
                UInt(value);
            }
        }

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

        /// <summary>What <see cref="Writer.UInts"/> wrote; null for none.</summary>
        public uint[]? UInts()
        {
            var count = checked((int)Long());
            if (count > _data.Length - Offset)
            {
                throw Truncated(); // Each number takes a byte at least: never allocate what the row cannot hold.
            }

            if (count == 0)
            {
                return null;
            }

            var values = new uint[count];
            for (var i = 0; i < count; i++)
            {
                values[i] = UInt();
            }

            return values;
        }

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
