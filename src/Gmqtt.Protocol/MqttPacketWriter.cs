using System.Buffers;
using System.Diagnostics;
using Gmqtt.Protocol.Internal;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Protocol;

/// <summary>
/// Writes MQTT control packets straight into an <see cref="IBufferWriter{T}"/>: sizes are computed first, the
/// headers are written into one span, and a PUBLISH payload is copied once, with no intermediate array.
/// </summary>
public static class MqttPacketWriter
{
    /// <summary>The encoded size of <paramref name="packet"/> in bytes, fixed header included, without writing it.</summary>
    /// <exception cref="ArgumentException">The packet cannot be encoded (a field is too long or missing).</exception>
    public static int GetSize(MqttPacket packet, MqttProtocolVersion version)
    {
        ArgumentNullException.ThrowIfNull(packet);
        var layout = Measure(packet, version);
        return 1 + MqttSpanWriter.VariableByteIntegerSize((uint)layout.RemainingLength) + layout.RemainingLength;
    }

    /// <summary>Writes <paramref name="packet"/> encoded for <paramref name="version"/> and returns the bytes written.</summary>
    /// <exception cref="ArgumentException">The packet cannot be encoded (a field is too long or missing).</exception>
    public static int Write(MqttPacket packet, MqttProtocolVersion version, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(output);
        var layout = Measure(packet, version);
        var payload = packet is PublishPacket publish ? publish.Payload.Span : default;
        var headerLength = 1 + MqttSpanWriter.VariableByteIntegerSize((uint)layout.RemainingLength);
        var prefixLength = headerLength + layout.RemainingLength - payload.Length;

        var writer = new MqttSpanWriter(output.GetSpan(prefixLength));
        writer.WriteByte(FixedHeader(packet));
        writer.WriteVariableByteInteger((uint)layout.RemainingLength);
        WriteBody(ref writer, packet, version, layout);
        Debug.Assert(writer.Position == prefixLength, "The measured size and the written size differ.");
        output.Advance(prefixLength);
        if (!payload.IsEmpty)
        {
            output.Write(payload);
        }

        return headerLength + layout.RemainingLength;
    }

    /// <summary>Sizes computed once and used while writing.</summary>
    private readonly record struct Layout(int RemainingLength, int PropertiesSize, int WillPropertiesSize = 0);

    private static byte FixedHeader(MqttPacket packet)
    {
        var type = (byte)((byte)packet.Type << 4);
        return packet switch
        {
            PublishPacket p => (byte)(type | (p.Dup ? 0x08 : 0) | ((byte)p.QoS << 1) | (p.Retain ? 0x01 : 0)),
            PubRelPacket or SubscribePacket or UnsubscribePacket => (byte)(type | 0b0010),
            _ => type,
        };
    }

    private static int PropertiesBlockSize(int contentSize) =>
        MqttSpanWriter.VariableByteIntegerSize((uint)contentSize) + contentSize;

    private static Layout Measure(MqttPacket packet, MqttProtocolVersion version)
    {
        var v5 = version == MqttProtocolVersion.V500;
        var properties = v5 && packet is MqttPacketWithProperties withProperties
            ? MqttPropertiesCodec.GetContentSize(withProperties.Properties)
            : 0;
        var propertiesBlock = v5 ? PropertiesBlockSize(properties) : 0;
        long remaining;
        var willProperties = 0;

        switch (packet)
        {
            case ConnectPacket c:
                remaining = MqttSpanWriter.StringSize(c.ProtocolVersion == MqttProtocolVersion.V310 ? "MQIsdp" : "MQTT") + 1 + 1 + 2 +
                            (c.ProtocolVersion == MqttProtocolVersion.V500 ? propertiesBlock : 0) +
                            MqttSpanWriter.StringSize(c.ClientId);
                if (c.Will is { } will)
                {
                    willProperties = c.ProtocolVersion == MqttProtocolVersion.V500 ? MqttPropertiesCodec.GetContentSize(will.Properties) : 0;
                    remaining += (c.ProtocolVersion == MqttProtocolVersion.V500 ? PropertiesBlockSize(willProperties) : 0) +
                                 MqttSpanWriter.StringSize(will.Topic) + MqttSpanWriter.BinarySize(will.Payload.Length);
                }

                remaining += c.UserName is null ? 0 : MqttSpanWriter.StringSize(c.UserName);
                remaining += c.Password is null ? 0 : MqttSpanWriter.BinarySize(c.Password.Value.Length);
                if (c.ProtocolVersion != version)
                {
                    throw new ArgumentException($"CONNECT for {c.ProtocolVersion} cannot be written as {version}.", nameof(version));
                }

                break;
            case ConnAckPacket:
                remaining = 2 + propertiesBlock;
                break;
            case PublishPacket p:
                if (p.QoS > MqttQualityOfService.AtMostOnce && p.PacketId == 0)
                {
                    throw new ArgumentException("A QoS 1 or 2 PUBLISH needs a non-zero packet identifier [MQTT-2.2.1-3].", nameof(packet));
                }

                remaining = MqttSpanWriter.StringSize(p.Topic) + (p.QoS > 0 ? 2 : 0) + propertiesBlock + (long)p.Payload.Length;
                break;
            case MqttAckPacket a:
                remaining = !v5 ? 2
                    : properties > 0 ? 3 + propertiesBlock
                    : a.ReasonCode != MqttReasonCode.Success ? 3
                    : 2;
                break;
            case SubscribePacket s:
                remaining = 2 + propertiesBlock;
                foreach (var filter in s.Filters)
                {
                    remaining += MqttSpanWriter.StringSize(filter.Filter) + 1;
                }

                break;
            case SubAckPacket s:
                remaining = 2 + propertiesBlock + s.ReasonCodes.Count;
                break;
            case UnsubscribePacket u:
                remaining = 2 + propertiesBlock;
                foreach (var filter in u.Filters)
                {
                    remaining += MqttSpanWriter.StringSize(filter);
                }

                break;
            case UnsubAckPacket u:
                remaining = v5 ? 2 + propertiesBlock + u.ReasonCodes.Count : 2;
                break;
            case PingReqPacket or PingRespPacket:
                remaining = 0;
                break;
            case DisconnectPacket d:
                remaining = !v5 ? 0
                    : properties > 0 ? 1 + propertiesBlock
                    : d.ReasonCode != MqttReasonCode.Success ? 1
                    : 0;
                break;
            case AuthPacket a:
                if (!v5)
                {
                    throw new ArgumentException("AUTH exists only in MQTT 5.0.", nameof(packet));
                }

                remaining = properties > 0 || a.ReasonCode != MqttReasonCode.Success ? 1 + propertiesBlock : 0;
                break;
            default:
                throw new ArgumentException($"Unknown packet type {packet.GetType().Name}.", nameof(packet));
        }

        if (remaining > MqttPacketReader.MaxRemainingLength)
        {
            throw new ArgumentException($"The packet needs a Remaining Length of {remaining}; the protocol allows {MqttPacketReader.MaxRemainingLength}.", nameof(packet));
        }

        return new Layout((int)remaining, properties, willProperties);
    }

    private static void WriteBody(ref MqttSpanWriter w, MqttPacket packet, MqttProtocolVersion version, Layout layout)
    {
        var v5 = version == MqttProtocolVersion.V500;
        switch (packet)
        {
            case ConnectPacket c:
                WriteConnect(ref w, c, layout);
                break;
            case ConnAckPacket c:
                // MQTT 3.1 has no Session Present flag: the whole byte is reserved.
                w.WriteByte(c.SessionPresent && version != MqttProtocolVersion.V310 ? (byte)1 : (byte)0);
                w.WriteByte(v5 ? (byte)c.ReasonCode : (byte)MqttReasonCodes.ToConnectReturnCode(c.ReasonCode));
                WritePropertiesIfV5(ref w, v5, c.Properties, layout.PropertiesSize);
                break;
            case PublishPacket p:
                w.WriteString(p.Topic);
                if (p.QoS > 0)
                {
                    w.WriteUInt16(p.PacketId);
                }

                WritePropertiesIfV5(ref w, v5, p.Properties, layout.PropertiesSize);
                break; // The payload is written by the caller, straight from its memory.
            case MqttAckPacket a:
                w.WriteUInt16(a.PacketId);
                if (layout.RemainingLength > 2)
                {
                    w.WriteByte((byte)a.ReasonCode);
                }

                if (layout.RemainingLength > 3)
                {
                    MqttPropertiesCodec.Write(ref w, a.Properties, layout.PropertiesSize);
                }

                break;
            case SubscribePacket s:
                w.WriteUInt16(s.PacketId);
                WritePropertiesIfV5(ref w, v5, s.Properties, layout.PropertiesSize);
                foreach (var filter in s.Filters)
                {
                    w.WriteString(filter.Filter);
                    var options = (byte)filter.MaximumQoS;
                    if (v5)
                    {
                        options |= (byte)((filter.NoLocal ? 0x04 : 0) | (filter.RetainAsPublished ? 0x08 : 0) | ((byte)filter.RetainHandling << 4));
                    }

                    w.WriteByte(options);
                }

                break;
            case SubAckPacket s:
                w.WriteUInt16(s.PacketId);
                WritePropertiesIfV5(ref w, v5, s.Properties, layout.PropertiesSize);
                foreach (var code in s.ReasonCodes)
                {
                    // MQTT 3.x knows only granted QoS 0-2 and 0x80 Failure [MQTT-3.9.3-2].
                    w.WriteByte(v5 || code <= MqttReasonCode.GrantedQoS2 ? (byte)code : (byte)0x80);
                }

                break;
            case UnsubscribePacket u:
                w.WriteUInt16(u.PacketId);
                WritePropertiesIfV5(ref w, v5, u.Properties, layout.PropertiesSize);
                foreach (var filter in u.Filters)
                {
                    w.WriteString(filter);
                }

                break;
            case UnsubAckPacket u:
                w.WriteUInt16(u.PacketId);
                if (v5)
                {
                    MqttPropertiesCodec.Write(ref w, u.Properties, layout.PropertiesSize);
                    foreach (var code in u.ReasonCodes)
                    {
                        w.WriteByte((byte)code);
                    }
                }

                break;
            case DisconnectPacket d:
                WriteReasonAndProperties(ref w, (byte)d.ReasonCode, d.Properties, layout);
                break;
            case AuthPacket a:
                WriteReasonAndProperties(ref w, (byte)a.ReasonCode, a.Properties, layout);
                break;
        }
    }

    private static void WriteConnect(ref MqttSpanWriter w, ConnectPacket c, Layout layout)
    {
        var v5 = c.ProtocolVersion == MqttProtocolVersion.V500;
        w.WriteString(c.ProtocolVersion == MqttProtocolVersion.V310 ? "MQIsdp" : "MQTT");
        w.WriteByte((byte)c.ProtocolVersion);
        var flags = (c.CleanSession ? 0x02 : 0) |
                    (c.UserName is not null ? 0x80 : 0) |
                    (c.Password is not null ? 0x40 : 0);
        if (c.Will is { } will)
        {
            flags |= 0x04 | ((byte)will.QoS << 3) | (will.Retain ? 0x20 : 0);
        }

        w.WriteByte((byte)flags);
        w.WriteUInt16(c.KeepAlive);
        WritePropertiesIfV5(ref w, v5, c.Properties, layout.PropertiesSize);
        w.WriteString(c.ClientId);
        if (c.Will is { } w2)
        {
            WritePropertiesIfV5(ref w, v5, w2.Properties, layout.WillPropertiesSize);
            w.WriteString(w2.Topic);
            w.WriteBinary(w2.Payload.Span);
        }

        if (c.UserName is not null)
        {
            w.WriteString(c.UserName);
        }

        if (c.Password is { } password)
        {
            w.WriteBinary(password.Span);
        }
    }

    private static void WriteReasonAndProperties(ref MqttSpanWriter w, byte reasonCode, MqttProperties? properties, Layout layout)
    {
        if (layout.RemainingLength > 0)
        {
            w.WriteByte(reasonCode);
        }

        if (layout.RemainingLength > 1)
        {
            MqttPropertiesCodec.Write(ref w, properties, layout.PropertiesSize);
        }
    }

    private static void WritePropertiesIfV5(ref MqttSpanWriter w, bool v5, MqttProperties? properties, int size)
    {
        if (v5)
        {
            MqttPropertiesCodec.Write(ref w, properties, size);
        }
    }
}
