using System.Buffers;
using Gmqtt.Protocol.Internal;
using Gmqtt.Protocol.Packets;
using Gmqtt.Protocol.Topics;

namespace Gmqtt.Protocol;

public sealed partial class MqttPacketReader
{
    private ConnectPacket ReadConnect(ref MqttBodyReader reader)
    {
        var protocolName = reader.ReadString();
        var level = reader.ReadByte();
        var version = (protocolName, level) switch
        {
            ("MQIsdp", 3) => MqttProtocolVersion.V310,
            ("MQTT", 4) => MqttProtocolVersion.V311,
            ("MQTT", 5) => MqttProtocolVersion.V500,
            // Unsupported level: answer CONNACK 0x01 / 0x84, then close [MQTT-3.1.2-2].
            ("MQTT" or "MQIsdp", _) => throw new MqttProtocolException(
                MqttReasonCode.UnsupportedProtocolVersion, $"Protocol level {level} is not supported."),
            // A wrong protocol name: close (3.1.1 [MQTT-3.1.2-1]); MQTT 5.0 may first send CONNACK 0x84.
            _ => throw MqttProtocolException.Protocol($"Protocol name '{protocolName}' is not MQTT."),
        };
        ProtocolVersion = version;

        var flags = reader.ReadByte();
        if ((flags & 0x01) != 0)
        {
            // The reserved connect flag must be 0 [MQTT-3.1.2-3].
            throw MqttProtocolException.Malformed("The reserved CONNECT flag is set.");
        }

        var cleanSession = (flags & 0x02) != 0;
        var willFlag = (flags & 0x04) != 0;
        var willQoS = (flags >> 3) & 0x03;
        var willRetain = (flags & 0x20) != 0;
        var passwordFlag = (flags & 0x40) != 0;
        var userNameFlag = (flags & 0x80) != 0;

        if (willQoS == 3)
        {
            // Will QoS MUST NOT be 3 [MQTT-3.1.2-12] (3.1.1: [MQTT-3.1.2-14]).
            throw MqttProtocolException.Malformed("Will QoS is 3.");
        }

        if (!willFlag && (willQoS != 0 || willRetain))
        {
            // Without a will, Will QoS and Will Retain MUST be 0 [MQTT-3.1.2-11] [MQTT-3.1.2-13] (3.1.1: [MQTT-3.1.2-13] [MQTT-3.1.2-15]).
            throw MqttProtocolException.Malformed("Will QoS or Will Retain is set without the will flag.");
        }

        if (passwordFlag && !userNameFlag && version != MqttProtocolVersion.V500)
        {
            // MQTT 3.x: no password without a user name [MQTT-3.1.2-22]. MQTT 5.0 allows it.
            throw MqttProtocolException.Malformed("The password flag is set without the user name flag.");
        }

        var packet = new ConnectPacket
        {
            ProtocolVersion = version,
            CleanSession = cleanSession,
            KeepAlive = reader.ReadUInt16(),
        };

        if (version == MqttProtocolVersion.V500)
        {
            packet.Properties = MqttPropertiesCodec.Read(ref reader, PropertyContext.Connect);
        }

        // The Client Identifier MUST be present and is the first field of the payload [MQTT-3.1.3-3].
        packet.ClientId = reader.ReadString();

        if (willFlag)
        {
            var willProperties = version == MqttProtocolVersion.V500
                ? MqttPropertiesCodec.Read(ref reader, PropertyContext.Will)
                : null;
            var willTopic = reader.ReadString();
            if (!MqttTopic.IsValidTopicName(willTopic))
            {
                // The will is published like a PUBLISH, so its topic follows the topic name rules [MQTT-3.3.2-2].
                throw MqttProtocolException.Malformed("The Will Topic is not a valid topic name.");
            }

            packet.Will = new MqttWill
            {
                Topic = willTopic,
                Payload = reader.ReadBinary(),
                QoS = (MqttQualityOfService)willQoS,
                Retain = willRetain,
                Properties = willProperties,
            };
        }

        if (userNameFlag)
        {
            packet.UserName = reader.ReadString();
        }

        if (passwordFlag)
        {
            packet.Password = reader.ReadBinary();
        }

        reader.ExpectEnd("CONNECT");
        return packet;
    }

    private ConnAckPacket ReadConnAck(ref MqttBodyReader reader)
    {
        var acknowledgeFlags = reader.ReadByte();
        if ((acknowledgeFlags & 0xFE) != 0)
        {
            // Connect Acknowledge Flags bits 7-1 are reserved and MUST be 0 [MQTT-3.2.2-1].
            throw MqttProtocolException.Malformed("Reserved CONNACK flags are set.");
        }

        var packet = new ConnAckPacket { SessionPresent = (acknowledgeFlags & 1) != 0 };
        if (IsV5)
        {
            packet.ReasonCode = ReadReasonCode(ref reader, MqttPacketType.ConnAck);
            packet.Properties = MqttPropertiesCodec.Read(ref reader, PropertyContext.ConnAck);
        }
        else
        {
            var returnCode = reader.ReadByte();
            if (returnCode > (byte)MqttConnectReturnCode.NotAuthorized)
            {
                // Return codes 6-255 are reserved (3.1.1 section 3.2.2.3).
                throw MqttProtocolException.Malformed($"CONNACK return code {returnCode} is reserved.");
            }

            packet.ReasonCode = MqttReasonCodes.FromConnectReturnCode((MqttConnectReturnCode)returnCode);
        }

        reader.ExpectEnd("CONNACK");
        return packet;
    }

    private MqttPublishView ReadPublishView(ref MqttBodyReader reader, int flags)
    {
        var qos = (flags >> 1) & 0x03;
        var dup = (flags & 0x08) != 0;
        if (qos == 3)
        {
            // A PUBLISH MUST NOT have both QoS bits set [MQTT-3.3.1-4].
            throw MqttProtocolException.Malformed("PUBLISH QoS is 3.");
        }

        if (dup && qos == 0)
        {
            // The DUP flag MUST be 0 for all QoS 0 messages [MQTT-3.3.1-2].
            throw MqttProtocolException.Malformed("DUP is set on a QoS 0 PUBLISH.");
        }

        var topic = reader.ReadStringBytes(out var hasWildcard);
        var packetId = qos > 0 ? ReadPacketId(ref reader) : (ushort)0;
        var properties = IsV5 ? MqttPropertiesCodec.Read(ref reader, PropertyContext.Publish) : null;

        if (topic.IsEmpty)
        {
            // MQTT 5.0: an empty topic needs a Topic Alias (section 3.3.2.1). 3.1.1: topic names are at least one character [MQTT-4.7.3-1].
            if (!IsV5)
            {
                throw MqttProtocolException.Malformed("The topic name is empty.");
            }

            if (properties?.TopicAlias is null)
            {
                throw MqttProtocolException.Protocol("The topic name is empty and there is no Topic Alias.");
            }
        }
        else if (hasWildcard)
        {
            // The Topic Name in a PUBLISH MUST NOT contain wildcard characters [MQTT-3.3.2-2].
            throw MqttProtocolException.Malformed("The topic name contains a wildcard.");
        }

        // The payload is everything that is left: its length follows from the Remaining Length (section 3.3.3).
        return new MqttPublishView(topic, reader.ReadRest(), (MqttQualityOfService)qos, (flags & 0x01) != 0, dup, packetId, properties);
    }

    private TPacket ReadAck<TPacket>(ref MqttBodyReader reader, TPacket packet)
        where TPacket : MqttAckPacket
    {
        packet.PacketId = ReadPacketId(ref reader);
        if (IsV5 && !reader.End)
        {
            // The reason code and property length may be omitted: Remaining Length 2 means Success (section 3.4.2.1).
            packet.ReasonCode = ReadReasonCode(ref reader, packet.Type);
            if (!reader.End)
            {
                packet.Properties = MqttPropertiesCodec.Read(ref reader, PropertyContext.Ack);
            }
        }

        reader.ExpectEnd(packet.Type.ToString());
        return packet;
    }

    private SubscribePacket ReadSubscribe(ref MqttBodyReader reader)
    {
        var packet = new SubscribePacket { PacketId = ReadPacketId(ref reader) };
        if (IsV5)
        {
            packet.Properties = MqttPropertiesCodec.Read(ref reader, PropertyContext.Subscribe);
        }

        while (!reader.End)
        {
            var filter = ReadTopicFilter(ref reader);
            var options = reader.ReadByte();
            var qos = options & 0x03;
            if (qos == 3)
            {
                // MQTT 5.0: "It is a Protocol Error if the Maximum QoS field has the value 3" (section 3.8.3.1).
                // 3.1.1: the SUBSCRIBE is malformed [MQTT-3-8.3-4] (the standard's own spelling of the number).
                throw IsV5
                    ? MqttProtocolException.Protocol("Maximum QoS is 3.")
                    : MqttProtocolException.Malformed("Requested QoS is 3.");
            }

            var entry = new MqttTopicFilter { Filter = filter, MaximumQoS = (MqttQualityOfService)qos };
            if (IsV5)
            {
                if ((options & 0xC0) != 0)
                {
                    // Reserved bits 6 and 7 of the subscription options MUST be 0 [MQTT-3.8.3-5].
                    throw MqttProtocolException.Malformed("Reserved subscription option bits are set.");
                }

                entry.NoLocal = (options & 0x04) != 0;
                entry.RetainAsPublished = (options & 0x08) != 0;
                var retainHandling = (options >> 4) & 0x03;
                if (retainHandling == 3)
                {
                    // "It is a Protocol Error to send a Retain Handling value of 3" (section 3.8.3.1).
                    throw MqttProtocolException.Protocol("Retain Handling is 3.");
                }

                entry.RetainHandling = (MqttRetainHandling)retainHandling;
                if (entry.NoLocal && MqttTopic.IsShared(filter))
                {
                    // No Local on a shared subscription is a Protocol Error [MQTT-3.8.3-4].
                    throw MqttProtocolException.Protocol("No Local is set on a shared subscription.");
                }
            }
            else if ((options & 0xFC) != 0)
            {
                // MQTT 3.x: the upper six bits of the requested QoS byte are reserved and MUST be 0 [MQTT-3-8.3-4].
                throw MqttProtocolException.Malformed("Reserved bits of the requested QoS are set.");
            }

            packet.Filters.Add(entry);
        }

        if (packet.Filters.Count == 0)
        {
            // A SUBSCRIBE MUST contain at least one filter [MQTT-3.8.3-2] (3.1.1: [MQTT-3.8.3-3]).
            throw MqttProtocolException.Protocol("SUBSCRIBE has no topic filter.");
        }

        return packet;
    }

    private SubAckPacket ReadSubAck(ref MqttBodyReader reader)
    {
        var packet = new SubAckPacket { PacketId = ReadPacketId(ref reader) };
        if (IsV5)
        {
            packet.Properties = MqttPropertiesCodec.Read(ref reader, PropertyContext.SubAck);
        }

        while (!reader.End)
        {
            if (IsV5)
            {
                packet.ReasonCodes.Add(ReadReasonCode(ref reader, MqttPacketType.SubAck));
                continue;
            }

            var code = reader.ReadByte();
            if (code is not (0x00 or 0x01 or 0x02 or 0x80))
            {
                // SUBACK return codes other than 0x00, 0x01, 0x02 and 0x80 are reserved [MQTT-3.9.3-2].
                throw MqttProtocolException.Malformed($"SUBACK return code 0x{code:X2} is reserved.");
            }

            packet.ReasonCodes.Add((MqttReasonCode)code);
        }

        if (packet.ReasonCodes.Count == 0)
        {
            throw MqttProtocolException.Protocol("SUBACK has no return code.");
        }

        return packet;
    }

    private UnsubscribePacket ReadUnsubscribe(ref MqttBodyReader reader)
    {
        var packet = new UnsubscribePacket { PacketId = ReadPacketId(ref reader) };
        if (IsV5)
        {
            packet.Properties = MqttPropertiesCodec.Read(ref reader, PropertyContext.Unsubscribe);
        }

        while (!reader.End)
        {
            packet.Filters.Add(ReadTopicFilter(ref reader));
        }

        if (packet.Filters.Count == 0)
        {
            // An UNSUBSCRIBE MUST contain at least one filter [MQTT-3.10.3-2].
            throw MqttProtocolException.Protocol("UNSUBSCRIBE has no topic filter.");
        }

        return packet;
    }

    private UnsubAckPacket ReadUnsubAck(ref MqttBodyReader reader)
    {
        var packet = new UnsubAckPacket { PacketId = ReadPacketId(ref reader) };
        if (IsV5)
        {
            packet.Properties = MqttPropertiesCodec.Read(ref reader, PropertyContext.UnsubAck);
            while (!reader.End)
            {
                packet.ReasonCodes.Add(ReadReasonCode(ref reader, MqttPacketType.UnsubAck));
            }

            if (packet.ReasonCodes.Count == 0)
            {
                throw MqttProtocolException.Protocol("UNSUBACK has no reason code.");
            }
        }

        reader.ExpectEnd("UNSUBACK");
        return packet;
    }

    private DisconnectPacket ReadDisconnect(ref MqttBodyReader reader)
    {
        var packet = new DisconnectPacket();
        if (IsV5 && !reader.End)
        {
            // Remaining Length 0 means Normal disconnection; below 2 there are no properties (section 3.14.2.1).
            packet.ReasonCode = ReadReasonCode(ref reader, MqttPacketType.Disconnect);
            if (!reader.End)
            {
                packet.Properties = MqttPropertiesCodec.Read(ref reader, PropertyContext.Disconnect);
            }
        }

        reader.ExpectEnd("DISCONNECT");
        return packet;
    }

    private AuthPacket ReadAuth(ref MqttBodyReader reader)
    {
        var packet = new AuthPacket();
        if (!reader.End)
        {
            // Remaining Length 0 means Success with no properties (section 3.15.2.1); codes per [MQTT-3.15.2-1].
            packet.ReasonCode = ReadReasonCode(ref reader, MqttPacketType.Auth);
            if (!reader.End)
            {
                packet.Properties = MqttPropertiesCodec.Read(ref reader, PropertyContext.Auth);
            }
        }

        reader.ExpectEnd("AUTH");
        return packet;
    }

    /// <summary>
    /// A topic filter of SUBSCRIBE or UNSUBSCRIBE: UTF-8 [MQTT-3.8.3-1], wildcards placed correctly
    /// [MQTT-4.7.1-1] [MQTT-4.7.1-2], and in MQTT 5.0 a well-formed <c>$share/</c> prefix [MQTT-4.8.2-1] [MQTT-4.8.2-2].
    /// </summary>
    private string ReadTopicFilter(ref MqttBodyReader reader)
    {
        var filter = reader.ReadString();
        if (!MqttTopic.IsValidTopicFilter(filter))
        {
            throw MqttProtocolException.Malformed($"'{filter}' is not a valid topic filter.");
        }

        if (IsV5 && MqttTopic.IsShared(filter) && !MqttTopic.IsValidSharedFilter(filter))
        {
            throw MqttProtocolException.Protocol($"'{filter}' is not a valid shared subscription.");
        }

        return filter;
    }
}
