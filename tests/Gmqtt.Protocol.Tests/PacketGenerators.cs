using FsCheck;
using FsCheck.Fluent;
using Gmqtt.Protocol.Packets;
using Gmqtt.Protocol.Topics;

namespace Gmqtt.Protocol.Tests;

/// <summary>One generated packet, the version it is valid in, and where to cut its encoding into segments.</summary>
public sealed record RoundTripCase(MqttPacket Packet, MqttProtocolVersion Version, int[] CutsPerMille)
{
    /// <summary>The cut positions scaled to a buffer of <paramref name="length"/> bytes (1 .. length - 1).</summary>
    public int[] CutsFor(int length) =>
        length < 2 ? [] : CutsPerMille.Select(c => 1 + (int)((long)c * (length - 2) / 1000)).ToArray();

    public override string ToString()
    {
        string hex;
        try
        {
            var bytes = PacketTestHelpers.Encode(Packet, Version);
            hex = bytes.Length <= 512 ? Convert.ToHexString(bytes) : Convert.ToHexString(bytes.AsSpan(0, 512)) + $"... ({bytes.Length} bytes)";
        }
        catch (Exception e)
        {
            hex = $"<encode failed: {e.Message}>";
        }

        return $"{Version} {Packet.Type} cuts=[{string.Join(",", CutsPerMille)}] bytes={hex}\n{PacketComparer.Dump(Packet)}";
    }
}

/// <summary>FsCheck generators for random but valid MQTT packets of every type in every version where the type exists.</summary>
public static class PacketGenerators
{
    public static readonly MqttProtocolVersion[] Versions = [MqttProtocolVersion.V310, MqttProtocolVersion.V311, MqttProtocolVersion.V500];

    /// <summary>The FsCheck arbitrary used by <c>[Property(Arbitrary = ...)]</c>.</summary>
    public static Arbitrary<RoundTripCase> RoundTripCase() => Arb.From(AnyCase);

    public static Gen<RoundTripCase> AnyCase =>
        from version in Gen.Elements(Versions)
        from packet in Packet(version)
        from cuts in Gen.Choose(0, 1000).ArrayOf().Select(a => a.Take(12).ToArray())
        select new RoundTripCase(packet, version, cuts);

    /// <summary>PUBLISH packets only, for the zero-copy view.</summary>
    public static Gen<RoundTripCase> PublishCase =>
        from version in Gen.Elements(Versions)
        from packet in Publish(version == MqttProtocolVersion.V500)
        from cuts in Gen.Choose(0, 1000).ArrayOf().Select(a => a.Take(12).ToArray())
        select new RoundTripCase(packet, version, cuts);

    /// <summary>Two packets valid in the same version (no CONNECT, which would switch the reader's version).</summary>
    public static Gen<(RoundTripCase First, RoundTripCase Second)> ConsecutiveCases =>
        from version in Gen.Elements(Versions)
        from first in Packet(version).Where(p => p is not ConnectPacket)
        from second in Packet(version).Where(p => p is not ConnectPacket)
        from cuts in Gen.Choose(0, 1000).ArrayOf().Select(a => a.Take(12).ToArray())
        select (new RoundTripCase(first, version, cuts), new RoundTripCase(second, version, []));

    public static Gen<MqttPacket> Packet(MqttProtocolVersion version)
    {
        var v5 = version == MqttProtocolVersion.V500;
        var gens = new List<Gen<MqttPacket>>
        {
            Connect(version).Select(p => (MqttPacket)p),
            ConnAck(v5, sessionPresentExists: version != MqttProtocolVersion.V310).Select(p => (MqttPacket)p),
            Publish(v5).Select(p => (MqttPacket)p),
            Ack<PubAckPacket>(v5).Select(p => (MqttPacket)p),
            Ack<PubRecPacket>(v5).Select(p => (MqttPacket)p),
            Ack<PubRelPacket>(v5).Select(p => (MqttPacket)p),
            Ack<PubCompPacket>(v5).Select(p => (MqttPacket)p),
            Subscribe(v5).Select(p => (MqttPacket)p),
            SubAck(v5).Select(p => (MqttPacket)p),
            Unsubscribe(v5).Select(p => (MqttPacket)p),
            UnsubAck(v5).Select(p => (MqttPacket)p),
            Gen.Constant<MqttPacket>(PingReqPacket.Instance),
            Gen.Constant<MqttPacket>(PingRespPacket.Instance),
            Disconnect(v5).Select(p => (MqttPacket)p),
        };
        if (v5)
        {
            gens.Add(Auth().Select(p => (MqttPacket)p));
        }

        return Gen.OneOf(gens);
    }

    // ---------------------------------------------------------------- primitives

    private static readonly string[] TextUnits =
    [
        "a", "b", "c", "x", "y", "z", "A", "Q", "0", "1", "9", " ", "-", "_", ".", "~", "$",
        "é", "ß", "ñ", "€", "中", "文", "\uFEFF", "\uD83D\uDE00", "\U0001F680", "\u007F",
    ];

    private static readonly string[] AnyTextUnits = [.. TextUnits, "/", "+", "#"];

    /// <summary>Mostly short, sometimes long, so two-byte lengths above 255 are exercised.</summary>
    private static Gen<int> Length(int shortMax, int longMax) =>
        Gen.Frequency((9, Gen.Choose(0, shortMax)), (1, Gen.Choose(shortMax, longMax)));

    private static Gen<string> TextOf(string[] units, int minLength, Gen<int> length) =>
        from n in length
        from parts in Gen.Elements(units).ArrayOf(Math.Max(n, minLength))
        select string.Concat(parts);

    /// <summary>A well-formed UTF-8 string without U+0000 (and without surrogate halves).</summary>
    public static Gen<string> Utf8String => TextOf(AnyTextUnits, 0, Length(12, 300));

    public static Gen<string> NonEmptyUtf8String => TextOf(AnyTextUnits, 1, Length(12, 100));

    private static Gen<string> Level => TextOf(TextUnits, 0, Gen.Choose(0, 6));

    private static Gen<string> NonEmptyLevel => TextOf(TextUnits, 1, Gen.Choose(1, 6));

    /// <summary>A topic name: at least one character, no wildcards; levels may be empty, may start with '$'.</summary>
    public static Gen<string> TopicName =>
        (from first in Gen.Frequency((6, Level), (1, Gen.Elements("$SYS", "$share")))
         from rest in Level.ListOf().Select(l => l.Take(6))
         select string.Join("/", rest.Prepend(first)))
        .Where(t => MqttTopic.IsValidTopicName(t));

    /// <summary>A topic filter: levels are text, '+', or a final '#'.</summary>
    public static Gen<string> TopicFilter =>
        (from levels in Gen.Frequency((5, Level), (2, Gen.Constant("+")), (1, Gen.Elements("$SYS", "$share"))).NonEmptyListOf()
         from hash in Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true)))
         select string.Join("/", hash ? levels.Take(5).Append("#") : levels.Take(6)))
        .Where(f => MqttTopic.IsValidTopicFilter(f));

    /// <summary>A topic filter, in MQTT 5.0 sometimes a shared subscription <c>$share/{name}/{filter}</c>.</summary>
    public static Gen<string> SubscriptionFilter(bool v5) => v5
        ? Gen.Frequency(
            (4, TopicFilter.Where(f => !MqttTopic.IsShared(f))),
            (1, from name in NonEmptyLevel from filter in TopicFilter select $"{MqttTopic.SharePrefix}{name}/{filter}"))
            .Where(f => !MqttTopic.IsShared(f) || MqttTopic.IsValidSharedFilter(f))
        : TopicFilter;

    public static Gen<byte[]> Bytes(int shortMax, int longMax) => BytesOfLength(Length(shortMax, longMax));

    /// <summary>Random bytes (from a generated seed, so that large arrays stay cheap to generate).</summary>
    public static Gen<byte[]> BytesOfLength(Gen<int> length) =>
        from n in length
        from seed in Gen.Choose(0, int.MaxValue)
        select RandomBytes(n, seed);

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static Gen<ushort> PacketId => Gen.Choose(1, ushort.MaxValue).Select(i => (ushort)i);

    private static Gen<ushort> UInt16 => Gen.Frequency((1, Gen.Constant(0)), (1, Gen.Constant(65535)), (4, Gen.Choose(0, 65535))).Select(i => (ushort)i);

    private static Gen<ushort> NonZeroUInt16 => UInt16.Select(u => u == 0 ? (ushort)1 : u);

    private static Gen<uint> UInt32 =>
        Gen.Frequency(
            (1, Gen.Constant(0u)),
            (1, Gen.Constant(uint.MaxValue)),
            (4, from hi in Gen.Choose(0, 65535) from lo in Gen.Choose(0, 65535) select ((uint)hi << 16) | (uint)lo));

    private static Gen<uint> NonZeroUInt32 => UInt32.Select(u => u == 0 ? 1u : u);

    /// <summary>1 .. 268,435,455, biased to the Variable Byte Integer boundaries.</summary>
    private static Gen<uint> SubscriptionId =>
        Gen.Frequency(
            (3, Gen.Elements(1u, 127u, 128u, 16_383u, 16_384u, 2_097_151u, 2_097_152u, 268_435_455u)),
            (4, Gen.Choose(1, 268_435_455).Select(i => (uint)i)));

    private static Gen<byte> Flag => Gen.Elements<byte>(0, 1);

    private static Gen<bool> Bool => Gen.Elements(false, true);

    private static Gen<MqttQualityOfService> QoS => Gen.Elements(MqttQualityOfService.AtMostOnce, MqttQualityOfService.AtLeastOnce, MqttQualityOfService.ExactlyOnce);

    private static Gen<T?> Maybe<T>(Gen<T> gen, int presentWeight = 1, int absentWeight = 2)
        where T : class =>
        Gen.Frequency((absentWeight, Gen.Constant<T?>(null)), (presentWeight, gen.Select(v => (T?)v)));

    private static Gen<T?> MaybeValue<T>(Gen<T> gen)
        where T : struct =>
        Gen.Frequency((2, Gen.Constant<T?>(null)), (1, gen.Select(v => (T?)v)));

    // ---------------------------------------------------------------- properties

    private enum Where { Connect, ConnAck, Publish, Will, Ack, Subscribe, SubAck, Unsubscribe, UnsubAck, Disconnect, Auth }

    /// <summary>
    /// Random properties allowed in <paramref name="where"/> (MQTT 5.0 table 2-4); <see langword="null"/> about a third of
    /// the time, and now and then an empty <see cref="MqttProperties"/> (which encodes like no properties at all).
    /// </summary>
    private static Gen<MqttProperties?> Properties(Where where)
    {
        var setters = new List<Gen<Action<MqttProperties>?>>();

        void Add<T>(Gen<T?> gen, Action<MqttProperties, T> set)
            where T : class =>
            setters.Add(gen.Select(v => v is null ? null : (Action<MqttProperties>)(p => set(p, v))));

        void AddValue<T>(Gen<T> gen, Action<MqttProperties, T> set)
            where T : struct =>
            setters.Add(MaybeValue(gen).Select(v => v is null ? null : (Action<MqttProperties>)(p => set(p, v.Value))));

        if (where is Where.Publish or Where.Will)
        {
            AddValue(Flag, (p, v) => p.PayloadFormatIndicator = v);
            AddValue(UInt32, (p, v) => p.MessageExpiryInterval = v);
            Add(Maybe(Utf8String), (p, v) => p.ContentType = v);
            Add(Maybe(TopicName), (p, v) => p.ResponseTopic = v);
            AddValue(Bytes(16, 300).Select(b => (ReadOnlyMemory<byte>)b), (p, v) => p.CorrelationData = v);
        }

        if (where is Where.Publish)
        {
            Add(Maybe(SubscriptionId.NonEmptyListOf().Select(l => l.Take(4).ToList())), (p, v) => p.SubscriptionIdentifiers = v);
            AddValue(NonZeroUInt16, (p, v) => p.TopicAlias = v);
        }

        if (where is Where.Subscribe)
        {
            Add(Maybe(SubscriptionId.Select(id => new List<uint> { id })), (p, v) => p.SubscriptionIdentifiers = v);
        }

        if (where is Where.Will)
        {
            AddValue(UInt32, (p, v) => p.WillDelayInterval = v);
        }

        if (where is Where.Connect or Where.ConnAck or Where.Disconnect)
        {
            AddValue(UInt32, (p, v) => p.SessionExpiryInterval = v);
        }

        if (where is Where.Connect or Where.ConnAck or Where.Auth)
        {
            Add(Maybe(Utf8String), (p, v) => p.AuthenticationMethod = v);
            AddValue(Bytes(16, 300).Select(b => (ReadOnlyMemory<byte>)b), (p, v) => p.AuthenticationData = v);
        }

        if (where is Where.Connect)
        {
            AddValue(Flag, (p, v) => p.RequestProblemInformation = v);
            AddValue(Flag, (p, v) => p.RequestResponseInformation = v);
        }

        if (where is Where.Connect or Where.ConnAck)
        {
            AddValue(NonZeroUInt16, (p, v) => p.ReceiveMaximum = v);
            AddValue(UInt16, (p, v) => p.TopicAliasMaximum = v);
            AddValue(NonZeroUInt32, (p, v) => p.MaximumPacketSize = v);
        }

        if (where is Where.ConnAck)
        {
            Add(Maybe(Utf8String), (p, v) => p.AssignedClientIdentifier = v);
            AddValue(UInt16, (p, v) => p.ServerKeepAlive = v);
            Add(Maybe(Utf8String), (p, v) => p.ResponseInformation = v);
            AddValue(Flag, (p, v) => p.MaximumQoS = v);
            AddValue(Flag, (p, v) => p.RetainAvailable = v);
            AddValue(Flag, (p, v) => p.WildcardSubscriptionAvailable = v);
            AddValue(Flag, (p, v) => p.SubscriptionIdentifierAvailable = v);
            AddValue(Flag, (p, v) => p.SharedSubscriptionAvailable = v);
        }

        if (where is Where.ConnAck or Where.Disconnect)
        {
            Add(Maybe(Utf8String), (p, v) => p.ServerReference = v);
        }

        if (where is Where.ConnAck or Where.Ack or Where.SubAck or Where.UnsubAck or Where.Disconnect or Where.Auth)
        {
            Add(Maybe(Utf8String), (p, v) => p.ReasonString = v);
        }

        // User properties are allowed everywhere; names repeat on purpose and order must survive.
        var userProperty = from name in Gen.Frequency((2, Gen.Elements("k", "k", "key", "é")), (1, Utf8String))
                           from value in Utf8String
                           select new MqttUserProperty(name, value);
        Add(Maybe(userProperty.NonEmptyListOf().Select(l => l.Take(6).ToList())), (p, v) => p.UserProperties = v);

        var filled = Gen.CollectToArray(setters).Select(actions =>
        {
            var properties = new MqttProperties();
            foreach (var action in actions)
            {
                action?.Invoke(properties);
            }

            return properties;
        });
        return Gen.Frequency<MqttProperties?>(
            (4, Gen.Constant<MqttProperties?>(null)),
            (1, Gen.Fresh<MqttProperties?>(() => new MqttProperties())),
            (8, filled.Select(p => (MqttProperties?)p)));
    }

    // ---------------------------------------------------------------- packets

    public static Gen<ConnectPacket> Connect(MqttProtocolVersion version)
    {
        var v5 = version == MqttProtocolVersion.V500;

        // MQTT 3.1 wants 1..23 characters of [0-9a-zA-Z]; 3.1.1 and 5.0 allow any string, even empty.
        var clientId = version == MqttProtocolVersion.V310
            ? TextOf(["a", "Z", "0", "9", "q"], 1, Gen.Choose(1, 23))
            : Gen.Frequency((1, Gen.Constant("")), (6, Utf8String));
        var will = from topic in TopicName
                   from payload in Bytes(16, 500)
                   from qos in QoS
                   from retain in Bool
                   from properties in v5 ? Properties(Where.Will) : Gen.Constant<MqttProperties?>(null)
                   select new MqttWill { Topic = topic, Payload = payload, QoS = qos, Retain = retain, Properties = properties };

        return from id in clientId
               from clean in Bool
               from keepAlive in UInt16
               from userName in Maybe(Utf8String, 1, 1)
               from password in MaybeValue(Bytes(16, 300).Select(b => (ReadOnlyMemory<byte>)b))
               from w in Maybe(will, 1, 1)
               from properties in v5 ? Properties(Where.Connect) : Gen.Constant<MqttProperties?>(null)
               select new ConnectPacket
               {
                   ProtocolVersion = version,
                   ClientId = id,
                   CleanSession = clean,
                   KeepAlive = keepAlive,
                   UserName = userName,

                   // MQTT 3.x: no password without a user name [MQTT-3.1.2-22]; MQTT 5.0 allows it.
                   Password = v5 || userName is not null ? password : null,
                   Will = w,
                   Properties = properties,
               };
    }

    private static readonly MqttReasonCode[] AllReasonCodes = Enum.GetValues<MqttReasonCode>();

    /// <summary>A reason code valid in <paramref name="type"/> according to <see cref="MqttReasonCodes.IsAllowed"/>.</summary>
    private static Gen<MqttReasonCode> ReasonCode(MqttPacketType type) =>
        Gen.Frequency(
            (1, Gen.Constant(MqttReasonCode.Success)),
            (2, Gen.Elements(AllReasonCodes.Where(c => MqttReasonCodes.IsAllowed(type, c)).ToArray())));

    public static Gen<ConnAckPacket> ConnAck(bool v5, bool sessionPresentExists = true) =>
        from code in v5
            ? ReasonCode(MqttPacketType.ConnAck)
            : Gen.Elements(Enum.GetValues<MqttConnectReturnCode>().Select(MqttReasonCodes.FromConnectReturnCode).ToArray())
        from sessionPresent in Bool
        from properties in v5 ? Properties(Where.ConnAck) : Gen.Constant<MqttProperties?>(null)
        select new ConnAckPacket
        {
            // Session Present MUST be 0 with a non-zero return / reason code [MQTT-3.2.2-4] (5.0: [MQTT-3.2.2-6]).
            // MQTT 3.1 has no Session Present flag at all.
            SessionPresent = sessionPresent && sessionPresentExists && code == MqttReasonCode.Success,
            ReasonCode = code,
            Properties = properties,
        };

    public static Gen<PublishPacket> Publish(bool v5) =>
        from topic in v5 ? Gen.Frequency((6, TopicName), (1, Gen.Constant(""))) : TopicName
        from qos in QoS
        from retain in Bool
        from dup in Bool
        from packetId in PacketId
        from payload in Gen.Frequency(
            (60, Bytes(64, 5000)),

            // Remaining Lengths around the three-byte (16,384) and four-byte (2,097,152) Variable Byte Integer boundaries.
            (6, BytesOfLength(Gen.Choose(16_300, 16_500))),
            (1, BytesOfLength(Gen.Choose(2_097_000, 2_097_200))))
        from properties in v5 ? Properties(Where.Publish) : Gen.Constant<MqttProperties?>(null)
        from alias in NonZeroUInt16
        select new PublishPacket
        {
            Topic = topic,
            QoS = qos,
            Retain = retain,

            // DUP MUST be 0 for QoS 0 [MQTT-3.3.1-2]; QoS 0 has no packet identifier.
            Dup = dup && qos != MqttQualityOfService.AtMostOnce,
            PacketId = qos == MqttQualityOfService.AtMostOnce ? (ushort)0 : packetId,
            Payload = payload,

            // An empty topic name needs a Topic Alias (section 3.3.2.1).
            Properties = topic.Length > 0 || properties?.TopicAlias is not null
                ? properties
                : WithTopicAlias(properties ?? new MqttProperties(), alias),
        };

    private static MqttProperties WithTopicAlias(MqttProperties properties, ushort alias)
    {
        properties.TopicAlias = alias;
        return properties;
    }

    public static Gen<TPacket> Ack<TPacket>(bool v5)
        where TPacket : MqttAckPacket, new() =>
        from packetId in PacketId
        from code in v5 ? ReasonCode(new TPacket().Type) : Gen.Constant(MqttReasonCode.Success)
        from properties in v5 ? Properties(Where.Ack) : Gen.Constant<MqttProperties?>(null)
        select new TPacket { PacketId = packetId, ReasonCode = code, Properties = properties };

    public static Gen<SubscribePacket> Subscribe(bool v5)
    {
        var filter = from f in SubscriptionFilter(v5)
                     from qos in QoS
                     from noLocal in Bool
                     from rap in Bool
                     from rh in Gen.Elements(MqttRetainHandling.SendAtSubscribe, MqttRetainHandling.SendAtSubscribeIfNew, MqttRetainHandling.DoNotSend)
                     select new MqttTopicFilter
                     {
                         Filter = f,
                         MaximumQoS = qos,

                         // The MQTT 5.0 options do not exist in 3.x; No Local on a shared subscription is a Protocol Error [MQTT-3.8.3-4].
                         NoLocal = v5 && noLocal && !MqttTopic.IsShared(f),
                         RetainAsPublished = v5 && rap,
                         RetainHandling = v5 ? rh : MqttRetainHandling.SendAtSubscribe,
                     };
        return from packetId in PacketId
               from filters in filter.NonEmptyListOf().Select(l => l.Take(6).ToList())
               from properties in v5 ? Properties(Where.Subscribe) : Gen.Constant<MqttProperties?>(null)
               select new SubscribePacket { PacketId = packetId, Filters = filters, Properties = properties };
    }

    public static Gen<SubAckPacket> SubAck(bool v5) =>
        from packetId in PacketId
        from codes in (v5
                ? ReasonCode(MqttPacketType.SubAck)
                : Gen.Elements(MqttReasonCode.Success, MqttReasonCode.GrantedQoS1, MqttReasonCode.GrantedQoS2, MqttReasonCode.UnspecifiedError))
            .NonEmptyListOf().Select(l => l.Take(8).ToList())
        from properties in v5 ? Properties(Where.SubAck) : Gen.Constant<MqttProperties?>(null)
        select new SubAckPacket { PacketId = packetId, ReasonCodes = codes, Properties = properties };

    public static Gen<UnsubscribePacket> Unsubscribe(bool v5) =>
        from packetId in PacketId
        from filters in SubscriptionFilter(v5).NonEmptyListOf().Select(l => l.Take(6).ToList())
        from properties in v5 ? Properties(Where.Unsubscribe) : Gen.Constant<MqttProperties?>(null)
        select new UnsubscribePacket { PacketId = packetId, Filters = filters, Properties = properties };

    public static Gen<UnsubAckPacket> UnsubAck(bool v5) =>
        from packetId in PacketId
        from codes in v5
            ? ReasonCode(MqttPacketType.UnsubAck).NonEmptyListOf().Select(l => l.Take(8).ToList())
            : Gen.Constant(new List<MqttReasonCode>())
        from properties in v5 ? Properties(Where.UnsubAck) : Gen.Constant<MqttProperties?>(null)
        select new UnsubAckPacket { PacketId = packetId, ReasonCodes = codes, Properties = properties };

    public static Gen<DisconnectPacket> Disconnect(bool v5) =>
        from code in v5 ? ReasonCode(MqttPacketType.Disconnect) : Gen.Constant(MqttReasonCode.Success)
        from properties in v5 ? Properties(Where.Disconnect) : Gen.Constant<MqttProperties?>(null)
        select new DisconnectPacket { ReasonCode = code, Properties = properties };

    public static Gen<AuthPacket> Auth() =>
        from code in ReasonCode(MqttPacketType.Auth)
        from properties in Properties(Where.Auth)
        select new AuthPacket { ReasonCode = code, Properties = properties };
}
