namespace Gmqtt.Protocol.Internal;

/// <summary>Where a property list stands; each property may appear only in some of these (MQTT 5.0 table 2-4).</summary>
[Flags]
internal enum PropertyContext : ushort
{
    None = 0,
    Connect = 1 << 0,
    ConnAck = 1 << 1,
    Publish = 1 << 2,
    Ack = 1 << 3,          // PUBACK, PUBREC, PUBREL, PUBCOMP
    Subscribe = 1 << 4,
    SubAck = 1 << 5,
    Unsubscribe = 1 << 6,
    UnsubAck = 1 << 7,
    Disconnect = 1 << 8,
    Auth = 1 << 9,
    Will = 1 << 10,
    All = 0x7FF,
}

/// <summary>Reads, sizes and writes MQTT 5.0 property lists.</summary>
internal static class MqttPropertiesCodec
{
    private const PropertyContext Acks = PropertyContext.ConnAck | PropertyContext.Ack | PropertyContext.SubAck |
                                         PropertyContext.UnsubAck | PropertyContext.Disconnect | PropertyContext.Auth;

    /// <summary>Where each property identifier may appear; None means the identifier is unknown.</summary>
    private static PropertyContext AllowedIn(byte id) => (MqttPropertyId)id switch
    {
        MqttPropertyId.PayloadFormatIndicator or MqttPropertyId.MessageExpiryInterval or MqttPropertyId.ContentType
            or MqttPropertyId.ResponseTopic or MqttPropertyId.CorrelationData => PropertyContext.Publish | PropertyContext.Will,
        MqttPropertyId.SubscriptionIdentifier => PropertyContext.Publish | PropertyContext.Subscribe,
        MqttPropertyId.SessionExpiryInterval => PropertyContext.Connect | PropertyContext.ConnAck | PropertyContext.Disconnect,
        MqttPropertyId.AssignedClientIdentifier or MqttPropertyId.ServerKeepAlive or MqttPropertyId.ResponseInformation
            or MqttPropertyId.MaximumQoS or MqttPropertyId.RetainAvailable or MqttPropertyId.WildcardSubscriptionAvailable
            or MqttPropertyId.SubscriptionIdentifierAvailable or MqttPropertyId.SharedSubscriptionAvailable => PropertyContext.ConnAck,
        MqttPropertyId.AuthenticationMethod or MqttPropertyId.AuthenticationData => PropertyContext.Connect | PropertyContext.ConnAck | PropertyContext.Auth,
        MqttPropertyId.RequestProblemInformation or MqttPropertyId.RequestResponseInformation => PropertyContext.Connect,
        MqttPropertyId.WillDelayInterval => PropertyContext.Will,
        MqttPropertyId.ServerReference => PropertyContext.ConnAck | PropertyContext.Disconnect,
        MqttPropertyId.ReasonString => Acks,
        MqttPropertyId.ReceiveMaximum or MqttPropertyId.TopicAliasMaximum or MqttPropertyId.MaximumPacketSize => PropertyContext.Connect | PropertyContext.ConnAck,
        MqttPropertyId.TopicAlias => PropertyContext.Publish,
        MqttPropertyId.UserProperty => PropertyContext.All,
        _ => PropertyContext.None,
    };

    /// <summary>
    /// Reads a property list. Returns <see langword="null"/> when it is empty so that packets without
    /// properties allocate nothing for them.
    /// </summary>
    public static MqttProperties? Read(ref MqttBodyReader reader, PropertyContext context)
    {
        var length = reader.ReadVariableByteInteger();
        if (length == 0)
        {
            return null;
        }

        // The list length is checked against the bytes present before the list is read (section 2.2.2.1): a list that
        // runs past the packet cannot be parsed, a Malformed Packet. ([MQTT-2.2.2-1] is "no properties: length 0".)
        var block = new MqttBodyReader(reader.ReadExact(length));
        var properties = new MqttProperties();
        ulong seen = 0;
        while (!block.End)
        {
            var id = block.ReadByte();
            if ((AllowedIn(id) & context) == 0)
            {
                // An identifier that is unknown or not valid for this packet makes it malformed (section 2.2.2.2).
                throw MqttProtocolException.Malformed($"Property 0x{id:X2} is not allowed in {context}.");
            }

            var repeatable = id is (byte)MqttPropertyId.UserProperty ||
                             (id is (byte)MqttPropertyId.SubscriptionIdentifier && context == PropertyContext.Publish);
            if (!repeatable)
            {
                // Every property except User Property (and Subscription Identifier in a server's PUBLISH) may appear
                // at most once; "It is a Protocol Error to include ... more than once" (section 3.x.2.x of each).
                var bit = 1UL << id;
                if ((seen & bit) != 0)
                {
                    throw MqttProtocolException.Protocol($"Property 0x{id:X2} appears more than once.");
                }

                seen |= bit;
            }

            ReadOne(ref block, (MqttPropertyId)id, properties);
        }

        return properties;
    }

    private static void ReadOne(ref MqttBodyReader r, MqttPropertyId id, MqttProperties p)
    {
        switch (id)
        {
            case MqttPropertyId.PayloadFormatIndicator: p.PayloadFormatIndicator = ReadBoolean(ref r, id); break;
            case MqttPropertyId.MessageExpiryInterval: p.MessageExpiryInterval = r.ReadUInt32(); break;
            case MqttPropertyId.ContentType: p.ContentType = r.ReadString(); break;
            case MqttPropertyId.ResponseTopic:
                var responseTopic = r.ReadString();
                if (!Topics.MqttTopic.IsValidTopicName(responseTopic))
                {
                    // The Response Topic MUST NOT contain wildcard characters [MQTT-3.3.2-14].
                    throw MqttProtocolException.Protocol("The Response Topic is not a valid topic name.");
                }

                p.ResponseTopic = responseTopic;
                break;
            case MqttPropertyId.CorrelationData: p.CorrelationData = r.ReadBinary(); break;
            case MqttPropertyId.SubscriptionIdentifier:
                var subscriptionId = r.ReadVariableByteInteger();
                if (subscriptionId == 0)
                {
                    // "It is a Protocol Error if the Subscription Identifier has a value of 0" (section 3.3.2.3.8, 3.8.2.1.2).
                    throw MqttProtocolException.Protocol("A Subscription Identifier of 0 is not allowed.");
                }

                (p.SubscriptionIdentifiers ??= []).Add(subscriptionId);
                break;
            case MqttPropertyId.SessionExpiryInterval: p.SessionExpiryInterval = r.ReadUInt32(); break;
            case MqttPropertyId.AssignedClientIdentifier: p.AssignedClientIdentifier = r.ReadString(); break;
            case MqttPropertyId.ServerKeepAlive: p.ServerKeepAlive = r.ReadUInt16(); break;
            case MqttPropertyId.AuthenticationMethod: p.AuthenticationMethod = r.ReadString(); break;
            case MqttPropertyId.AuthenticationData: p.AuthenticationData = r.ReadBinary(); break;
            case MqttPropertyId.RequestProblemInformation: p.RequestProblemInformation = ReadBoolean(ref r, id); break;
            case MqttPropertyId.WillDelayInterval: p.WillDelayInterval = r.ReadUInt32(); break;
            case MqttPropertyId.RequestResponseInformation: p.RequestResponseInformation = ReadBoolean(ref r, id); break;
            case MqttPropertyId.ResponseInformation: p.ResponseInformation = r.ReadString(); break;
            case MqttPropertyId.ServerReference: p.ServerReference = r.ReadString(); break;
            case MqttPropertyId.ReasonString: p.ReasonString = r.ReadString(); break;
            case MqttPropertyId.ReceiveMaximum:
                // "It is a Protocol Error to include the Receive Maximum value ... of 0" (section 3.1.2.11.3, 3.2.2.3.3).
                p.ReceiveMaximum = ReadNonZeroUInt16(ref r, id);
                break;
            case MqttPropertyId.TopicAliasMaximum: p.TopicAliasMaximum = r.ReadUInt16(); break;
            case MqttPropertyId.TopicAlias:
                // "A Topic Alias of 0 is not permitted" [MQTT-3.3.2-8]; section 3.3.4 names the reason: "A Topic
                // Alias value of 0 or greater than the Maximum Topic Alias is a Protocol Error", answered with 0x94.
                p.TopicAlias = r.ReadUInt16() is var alias and not 0
                    ? alias
                    : throw new MqttProtocolException(MqttReasonCode.TopicAliasInvalid, "Topic Alias must not be 0.");
                break;
            case MqttPropertyId.MaximumQoS: p.MaximumQoS = ReadBoolean(ref r, id); break;
            case MqttPropertyId.RetainAvailable: p.RetainAvailable = ReadBoolean(ref r, id); break;
            case MqttPropertyId.UserProperty:
                var name = r.ReadString();
                var value = r.ReadString();
                (p.UserProperties ??= []).Add(new MqttUserProperty(name, value));
                break;
            case MqttPropertyId.MaximumPacketSize:
                var maximumPacketSize = r.ReadUInt32();
                if (maximumPacketSize == 0)
                {
                    // "It is a Protocol Error to include ... the Maximum Packet Size ... of zero" (section 3.1.2.11.4).
                    throw MqttProtocolException.Protocol("A Maximum Packet Size of 0 is not allowed.");
                }

                p.MaximumPacketSize = maximumPacketSize;
                break;
            case MqttPropertyId.WildcardSubscriptionAvailable: p.WildcardSubscriptionAvailable = ReadBoolean(ref r, id); break;
            case MqttPropertyId.SubscriptionIdentifierAvailable: p.SubscriptionIdentifierAvailable = ReadBoolean(ref r, id); break;
            case MqttPropertyId.SharedSubscriptionAvailable: p.SharedSubscriptionAvailable = ReadBoolean(ref r, id); break;
            default: throw MqttProtocolException.Malformed($"Unknown property 0x{(byte)id:X2}.");
        }
    }

    /// <summary>Byte properties that are flags: "a value other than 0 or 1" is a Protocol Error (e.g. section 3.1.2.11.7).</summary>
    private static byte ReadBoolean(ref MqttBodyReader r, MqttPropertyId id)
    {
        var value = r.ReadByte();
        return value <= 1 ? value : throw MqttProtocolException.Protocol($"Property {id} must be 0 or 1, not {value}.");
    }

    private static ushort ReadNonZeroUInt16(ref MqttBodyReader r, MqttPropertyId id)
    {
        var value = r.ReadUInt16();
        return value != 0 ? value : throw MqttProtocolException.Protocol($"Property {id} must not be 0.");
    }

    /// <summary>Bytes of the property list without its length prefix.</summary>
    public static int GetContentSize(MqttProperties? p)
    {
        if (p is null)
        {
            return 0;
        }

        var size = 0;
        size += p.PayloadFormatIndicator is null ? 0 : 2;
        size += p.MessageExpiryInterval is null ? 0 : 5;
        size += p.ContentType is null ? 0 : 1 + MqttSpanWriter.StringSize(p.ContentType);
        size += p.ResponseTopic is null ? 0 : 1 + MqttSpanWriter.StringSize(p.ResponseTopic);
        size += p.CorrelationData is null ? 0 : 1 + MqttSpanWriter.BinarySize(p.CorrelationData.Value.Length);
        if (p.SubscriptionIdentifiers is { } subscriptionIds)
        {
            foreach (var id in subscriptionIds)
            {
                size += 1 + MqttSpanWriter.VariableByteIntegerSize(id);
            }
        }

        size += p.SessionExpiryInterval is null ? 0 : 5;
        size += p.AssignedClientIdentifier is null ? 0 : 1 + MqttSpanWriter.StringSize(p.AssignedClientIdentifier);
        size += p.ServerKeepAlive is null ? 0 : 3;
        size += p.AuthenticationMethod is null ? 0 : 1 + MqttSpanWriter.StringSize(p.AuthenticationMethod);
        size += p.AuthenticationData is null ? 0 : 1 + MqttSpanWriter.BinarySize(p.AuthenticationData.Value.Length);
        size += p.RequestProblemInformation is null ? 0 : 2;
        size += p.WillDelayInterval is null ? 0 : 5;
        size += p.RequestResponseInformation is null ? 0 : 2;
        size += p.ResponseInformation is null ? 0 : 1 + MqttSpanWriter.StringSize(p.ResponseInformation);
        size += p.ServerReference is null ? 0 : 1 + MqttSpanWriter.StringSize(p.ServerReference);
        size += p.ReasonString is null ? 0 : 1 + MqttSpanWriter.StringSize(p.ReasonString);
        size += p.ReceiveMaximum is null ? 0 : 3;
        size += p.TopicAliasMaximum is null ? 0 : 3;
        size += p.TopicAlias is null ? 0 : 3;
        size += p.MaximumQoS is null ? 0 : 2;
        size += p.RetainAvailable is null ? 0 : 2;
        if (p.UserProperties is { } userProperties)
        {
            foreach (var (name, value) in userProperties)
            {
                size += 1 + MqttSpanWriter.StringSize(name) + MqttSpanWriter.StringSize(value);
            }
        }

        size += p.MaximumPacketSize is null ? 0 : 5;
        size += p.WildcardSubscriptionAvailable is null ? 0 : 2;
        size += p.SubscriptionIdentifierAvailable is null ? 0 : 2;
        size += p.SharedSubscriptionAvailable is null ? 0 : 2;
        return size;
    }

    /// <summary>Writes the length prefix and the properties in identifier order (user properties keep their order).</summary>
    public static void Write(ref MqttSpanWriter w, MqttProperties? p, int contentSize)
    {
        w.WriteVariableByteInteger((uint)contentSize);
        if (p is null)
        {
            return;
        }

        if (p.PayloadFormatIndicator is { } pfi) { w.WriteByte((byte)MqttPropertyId.PayloadFormatIndicator); w.WriteByte(pfi); }
        if (p.MessageExpiryInterval is { } mei) { w.WriteByte((byte)MqttPropertyId.MessageExpiryInterval); w.WriteUInt32(mei); }
        if (p.ContentType is { } ct) { w.WriteByte((byte)MqttPropertyId.ContentType); w.WriteString(ct); }
        if (p.ResponseTopic is { } rt) { w.WriteByte((byte)MqttPropertyId.ResponseTopic); w.WriteString(rt); }
        if (p.CorrelationData is { } cd) { w.WriteByte((byte)MqttPropertyId.CorrelationData); w.WriteBinary(cd.Span); }
        if (p.SubscriptionIdentifiers is { } sids)
        {
            foreach (var sid in sids)
            {
                w.WriteByte((byte)MqttPropertyId.SubscriptionIdentifier);
                w.WriteVariableByteInteger(sid);
            }
        }

        if (p.SessionExpiryInterval is { } sei) { w.WriteByte((byte)MqttPropertyId.SessionExpiryInterval); w.WriteUInt32(sei); }
        if (p.AssignedClientIdentifier is { } aci) { w.WriteByte((byte)MqttPropertyId.AssignedClientIdentifier); w.WriteString(aci); }
        if (p.ServerKeepAlive is { } ska) { w.WriteByte((byte)MqttPropertyId.ServerKeepAlive); w.WriteUInt16(ska); }
        if (p.AuthenticationMethod is { } am) { w.WriteByte((byte)MqttPropertyId.AuthenticationMethod); w.WriteString(am); }
        if (p.AuthenticationData is { } ad) { w.WriteByte((byte)MqttPropertyId.AuthenticationData); w.WriteBinary(ad.Span); }
        if (p.RequestProblemInformation is { } rpi) { w.WriteByte((byte)MqttPropertyId.RequestProblemInformation); w.WriteByte(rpi); }
        if (p.WillDelayInterval is { } wdi) { w.WriteByte((byte)MqttPropertyId.WillDelayInterval); w.WriteUInt32(wdi); }
        if (p.RequestResponseInformation is { } rri) { w.WriteByte((byte)MqttPropertyId.RequestResponseInformation); w.WriteByte(rri); }
        if (p.ResponseInformation is { } ri) { w.WriteByte((byte)MqttPropertyId.ResponseInformation); w.WriteString(ri); }
        if (p.ServerReference is { } sr) { w.WriteByte((byte)MqttPropertyId.ServerReference); w.WriteString(sr); }
        if (p.ReasonString is { } rs) { w.WriteByte((byte)MqttPropertyId.ReasonString); w.WriteString(rs); }
        if (p.ReceiveMaximum is { } rm) { w.WriteByte((byte)MqttPropertyId.ReceiveMaximum); w.WriteUInt16(rm); }
        if (p.TopicAliasMaximum is { } tam) { w.WriteByte((byte)MqttPropertyId.TopicAliasMaximum); w.WriteUInt16(tam); }
        if (p.TopicAlias is { } ta) { w.WriteByte((byte)MqttPropertyId.TopicAlias); w.WriteUInt16(ta); }
        if (p.MaximumQoS is { } mq) { w.WriteByte((byte)MqttPropertyId.MaximumQoS); w.WriteByte(mq); }
        if (p.RetainAvailable is { } ra) { w.WriteByte((byte)MqttPropertyId.RetainAvailable); w.WriteByte(ra); }
        if (p.UserProperties is { } ups)
        {
            foreach (var (name, value) in ups)
            {
                w.WriteByte((byte)MqttPropertyId.UserProperty);
                w.WriteString(name);
                w.WriteString(value);
            }
        }

        if (p.MaximumPacketSize is { } mps) { w.WriteByte((byte)MqttPropertyId.MaximumPacketSize); w.WriteUInt32(mps); }
        if (p.WildcardSubscriptionAvailable is { } wsa) { w.WriteByte((byte)MqttPropertyId.WildcardSubscriptionAvailable); w.WriteByte(wsa); }
        if (p.SubscriptionIdentifierAvailable is { } sia) { w.WriteByte((byte)MqttPropertyId.SubscriptionIdentifierAvailable); w.WriteByte(sia); }
        if (p.SharedSubscriptionAvailable is { } ssa) { w.WriteByte((byte)MqttPropertyId.SharedSubscriptionAvailable); w.WriteByte(ssa); }
    }
}
