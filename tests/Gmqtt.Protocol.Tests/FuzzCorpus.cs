using Gmqtt.Protocol.Packets;

namespace Gmqtt.Protocol.Tests;

/// <summary>Valid packets of every type a version has, with most optional fields filled in, as seeds to mutate.</summary>
internal static class FuzzCorpus
{
    public static IEnumerable<MqttPacket> Packets(MqttProtocolVersion version)
    {
        var v5 = version == MqttProtocolVersion.V500;
        MqttProperties? P(MqttProperties properties) => v5 ? properties : null;

        yield return new ConnectPacket
        {
            ProtocolVersion = version,
            ClientId = "client-ü",
            KeepAlive = 30,
            CleanSession = false,
            UserName = "user",
            Password = new byte[] { 1, 2, 3 },
            Will = new MqttWill
            {
                Topic = "will/t",
                Payload = new byte[] { 9, 8 },
                QoS = MqttQualityOfService.ExactlyOnce,
                Retain = true,
                Properties = P(new MqttProperties { WillDelayInterval = 5, ContentType = "text", PayloadFormatIndicator = 1 }),
            },
            Properties = P(new MqttProperties
            {
                SessionExpiryInterval = 60,
                ReceiveMaximum = 10,
                MaximumPacketSize = 1000,
                TopicAliasMaximum = 4,
                RequestProblemInformation = 1,
                AuthenticationMethod = "m",
                AuthenticationData = new byte[] { 4 },
            }.AddUserProperty("k", "v")),
        };
        yield return new ConnectPacket { ProtocolVersion = version, ClientId = "" };
        yield return new ConnAckPacket
        {
            SessionPresent = true,
            ReasonCode = MqttReasonCode.Success,
            Properties = P(new MqttProperties { AssignedClientIdentifier = "x", MaximumQoS = 1, RetainAvailable = 0, ServerKeepAlive = 9, SharedSubscriptionAvailable = 1 }),
        };
        yield return new PublishPacket
        {
            Topic = "a/b/c",
            QoS = MqttQualityOfService.AtLeastOnce,
            PacketId = 77,
            Retain = true,
            Payload = new byte[] { 1, 2, 3, 4, 5, 6 },
            Properties = P(new MqttProperties
            {
                TopicAlias = 2,
                MessageExpiryInterval = 100,
                ResponseTopic = "reply",
                CorrelationData = new byte[] { 7 },
                SubscriptionIdentifiers = [1, 200_000],
            }.AddUserProperty("a", "b")),
        };
        yield return new PublishPacket { Topic = "t", QoS = MqttQualityOfService.ExactlyOnce, PacketId = 65535, Dup = true };
        yield return new PublishPacket { Topic = "q0", Payload = new byte[200] };
        yield return new PubAckPacket { PacketId = 1, ReasonCode = v5 ? MqttReasonCode.NoMatchingSubscribers : MqttReasonCode.Success };
        yield return new PubRecPacket { PacketId = 2, Properties = P(new MqttProperties { ReasonString = "r" }) };
        yield return new PubRelPacket { PacketId = 3 };
        yield return new PubCompPacket { PacketId = 4 };
        yield return new SubscribePacket
        {
            PacketId = 5,
            Properties = P(new MqttProperties { SubscriptionIdentifiers = [12] }),
            Filters =
            [
                new MqttTopicFilter { Filter = "a/+/c", MaximumQoS = MqttQualityOfService.ExactlyOnce },
                new MqttTopicFilter { Filter = "#", NoLocal = v5, RetainAsPublished = v5, RetainHandling = v5 ? MqttRetainHandling.DoNotSend : 0 },
                new MqttTopicFilter { Filter = v5 ? "$share/g/x/#" : "x/#", MaximumQoS = MqttQualityOfService.AtLeastOnce },
            ],
        };
        yield return new SubAckPacket { PacketId = 6, ReasonCodes = [MqttReasonCode.GrantedQoS1, MqttReasonCode.UnspecifiedError] };
        yield return new UnsubscribePacket { PacketId = 7, Filters = ["a/+", "b/#"] };
        yield return new UnsubAckPacket { PacketId = 8, ReasonCodes = v5 ? [MqttReasonCode.Success, MqttReasonCode.NoSubscriptionExisted] : [] };
        yield return PingReqPacket.Instance;
        yield return PingRespPacket.Instance;
        yield return new DisconnectPacket
        {
            ReasonCode = v5 ? MqttReasonCode.ServerMoved : MqttReasonCode.Success,
            Properties = P(new MqttProperties { ServerReference = "elsewhere", SessionExpiryInterval = 0 }),
        };
        if (v5)
        {
            yield return new AuthPacket
            {
                ReasonCode = MqttReasonCode.ContinueAuthentication,
                Properties = new MqttProperties { AuthenticationMethod = "SCRAM", AuthenticationData = new byte[] { 1, 2 } },
            };
        }
    }

    /// <summary>Each version's packets encoded, and checked to decode to the same type.</summary>
    public static IReadOnlyList<(MqttProtocolVersion Version, byte[] Bytes)> Encoded()
    {
        var all = new List<(MqttProtocolVersion, byte[])>();
        foreach (var version in new[] { MqttProtocolVersion.V310, MqttProtocolVersion.V311, MqttProtocolVersion.V500 })
        {
            foreach (var packet in Packets(version))
            {
                var bytes = PacketTestHelpers.Encode(packet, version);
                Assert.Equal(packet.Type, PacketTestHelpers.Decode(bytes, version).Type);
                all.Add((version, bytes));
            }
        }

        return all;
    }
}
