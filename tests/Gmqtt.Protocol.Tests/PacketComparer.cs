using System.Text;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Protocol.Tests;

/// <summary>
/// Structural equality of decoded packets. Encodings that cannot tell two values apart are treated as equal:
/// absent properties equal an empty <see cref="MqttProperties"/>, an absent list equals an empty one, and binary
/// data compares by content.
/// </summary>
public static class PacketComparer
{
    /// <summary>Throws with the path of the first difference.</summary>
    public static void AssertEqual(MqttPacket expected, MqttPacket actual)
    {
        var difference = FirstDifference(expected, actual);
        if (difference is not null)
        {
            throw new Xunit.Sdk.XunitException($"Packets differ at {difference}\nexpected:\n{Dump(expected)}\nactual:\n{Dump(actual)}");
        }
    }

    /// <summary>The path and values of the first difference, or <see langword="null"/> when the packets are equal.</summary>
    public static string? FirstDifference(MqttPacket expected, MqttPacket actual)
    {
        if (expected.GetType() != actual.GetType())
        {
            return $"type: {expected.GetType().Name} != {actual.GetType().Name}";
        }

        return (expected, actual) switch
        {
            (ConnectPacket e, ConnectPacket a) =>
                Cmp("ProtocolVersion", e.ProtocolVersion, a.ProtocolVersion)
                ?? Cmp("ClientId", e.ClientId, a.ClientId)
                ?? Cmp("CleanSession", e.CleanSession, a.CleanSession)
                ?? Cmp("KeepAlive", e.KeepAlive, a.KeepAlive)
                ?? Cmp("UserName", e.UserName, a.UserName)
                ?? CmpOptionalBytes("Password", e.Password, a.Password)
                ?? CmpWill(e.Will, a.Will)
                ?? CmpProperties("Properties", e.Properties, a.Properties),
            (ConnAckPacket e, ConnAckPacket a) =>
                Cmp("SessionPresent", e.SessionPresent, a.SessionPresent)
                ?? Cmp("ReasonCode", e.ReasonCode, a.ReasonCode)
                ?? CmpProperties("Properties", e.Properties, a.Properties),
            (PublishPacket e, PublishPacket a) =>
                Cmp("Topic", e.Topic, a.Topic)
                ?? Cmp("QoS", e.QoS, a.QoS)
                ?? Cmp("Retain", e.Retain, a.Retain)
                ?? Cmp("Dup", e.Dup, a.Dup)
                ?? Cmp("PacketId", e.PacketId, a.PacketId)
                ?? CmpBytes("Payload", e.Payload, a.Payload)
                ?? CmpProperties("Properties", e.Properties, a.Properties),
            (MqttAckPacket e, MqttAckPacket a) =>
                Cmp("PacketId", e.PacketId, a.PacketId)
                ?? Cmp("ReasonCode", e.ReasonCode, a.ReasonCode)
                ?? CmpProperties("Properties", e.Properties, a.Properties),
            (SubscribePacket e, SubscribePacket a) =>
                Cmp("PacketId", e.PacketId, a.PacketId)
                ?? CmpList("Filters", e.Filters, a.Filters, CmpFilter)
                ?? CmpProperties("Properties", e.Properties, a.Properties),
            (SubAckPacket e, SubAckPacket a) =>
                Cmp("PacketId", e.PacketId, a.PacketId)
                ?? CmpList("ReasonCodes", e.ReasonCodes, a.ReasonCodes, Cmp)
                ?? CmpProperties("Properties", e.Properties, a.Properties),
            (UnsubscribePacket e, UnsubscribePacket a) =>
                Cmp("PacketId", e.PacketId, a.PacketId)
                ?? CmpList("Filters", e.Filters, a.Filters, Cmp)
                ?? CmpProperties("Properties", e.Properties, a.Properties),
            (UnsubAckPacket e, UnsubAckPacket a) =>
                Cmp("PacketId", e.PacketId, a.PacketId)
                ?? CmpList("ReasonCodes", e.ReasonCodes, a.ReasonCodes, Cmp)
                ?? CmpProperties("Properties", e.Properties, a.Properties),
            (DisconnectPacket e, DisconnectPacket a) =>
                Cmp("ReasonCode", e.ReasonCode, a.ReasonCode)
                ?? CmpProperties("Properties", e.Properties, a.Properties),
            (AuthPacket e, AuthPacket a) =>
                Cmp("ReasonCode", e.ReasonCode, a.ReasonCode)
                ?? CmpProperties("Properties", e.Properties, a.Properties),
            (PingReqPacket, PingReqPacket) or (PingRespPacket, PingRespPacket) => null,
            _ => $"no comparison for {expected.GetType().Name}",
        };
    }

    private static string? Cmp<T>(string path, T expected, T actual) =>
        EqualityComparer<T>.Default.Equals(expected, actual) ? null : $"{path}: {Show(expected)} != {Show(actual)}";

    private static string? CmpBytes(string path, ReadOnlyMemory<byte> expected, ReadOnlyMemory<byte> actual) =>
        expected.Span.SequenceEqual(actual.Span)
            ? null
            : $"{path}: {expected.Length} bytes {Convert.ToHexString(expected.Span[..Math.Min(32, expected.Length)])} != {actual.Length} bytes {Convert.ToHexString(actual.Span[..Math.Min(32, actual.Length)])}";

    private static string? CmpOptionalBytes(string path, ReadOnlyMemory<byte>? expected, ReadOnlyMemory<byte>? actual) =>
        (expected, actual) switch
        {
            (null, null) => null,
            ({ } e, { } a) => CmpBytes(path, e, a),
            _ => $"{path}: {(expected is null ? "null" : "present")} != {(actual is null ? "null" : "present")}",
        };

    private static string? CmpList<T>(string path, IReadOnlyList<T>? expected, IReadOnlyList<T>? actual, Func<string, T, T, string?> item)
    {
        expected ??= [];
        actual ??= [];
        if (expected.Count != actual.Count)
        {
            return $"{path}.Count: {expected.Count} != {actual.Count}";
        }

        for (var i = 0; i < expected.Count; i++)
        {
            if (item($"{path}[{i}]", expected[i], actual[i]) is { } difference)
            {
                return difference;
            }
        }

        return null;
    }

    private static string? CmpFilter(string path, MqttTopicFilter e, MqttTopicFilter a) =>
        Cmp($"{path}.Filter", e.Filter, a.Filter)
        ?? Cmp($"{path}.MaximumQoS", e.MaximumQoS, a.MaximumQoS)
        ?? Cmp($"{path}.NoLocal", e.NoLocal, a.NoLocal)
        ?? Cmp($"{path}.RetainAsPublished", e.RetainAsPublished, a.RetainAsPublished)
        ?? Cmp($"{path}.RetainHandling", e.RetainHandling, a.RetainHandling);

    private static string? CmpWill(MqttWill? e, MqttWill? a) => (e, a) switch
    {
        (null, null) => null,
        (null, _) or (_, null) => $"Will: {(e is null ? "null" : "present")} != {(a is null ? "null" : "present")}",
        _ => Cmp("Will.Topic", e.Topic, a.Topic)
             ?? CmpBytes("Will.Payload", e.Payload, a.Payload)
             ?? Cmp("Will.QoS", e.QoS, a.QoS)
             ?? Cmp("Will.Retain", e.Retain, a.Retain)
             ?? CmpProperties("Will.Properties", e.Properties, a.Properties),
    };

    private static string? CmpProperties(string path, MqttProperties? expected, MqttProperties? actual)
    {
        var e = expected ?? new MqttProperties();
        var a = actual ?? new MqttProperties();
        return Cmp($"{path}.PayloadFormatIndicator", e.PayloadFormatIndicator, a.PayloadFormatIndicator)
               ?? Cmp($"{path}.MessageExpiryInterval", e.MessageExpiryInterval, a.MessageExpiryInterval)
               ?? Cmp($"{path}.ContentType", e.ContentType, a.ContentType)
               ?? Cmp($"{path}.ResponseTopic", e.ResponseTopic, a.ResponseTopic)
               ?? CmpOptionalBytes($"{path}.CorrelationData", e.CorrelationData, a.CorrelationData)
               ?? CmpList($"{path}.SubscriptionIdentifiers", e.SubscriptionIdentifiers, a.SubscriptionIdentifiers, Cmp)
               ?? Cmp($"{path}.SessionExpiryInterval", e.SessionExpiryInterval, a.SessionExpiryInterval)
               ?? Cmp($"{path}.AssignedClientIdentifier", e.AssignedClientIdentifier, a.AssignedClientIdentifier)
               ?? Cmp($"{path}.ServerKeepAlive", e.ServerKeepAlive, a.ServerKeepAlive)
               ?? Cmp($"{path}.AuthenticationMethod", e.AuthenticationMethod, a.AuthenticationMethod)
               ?? CmpOptionalBytes($"{path}.AuthenticationData", e.AuthenticationData, a.AuthenticationData)
               ?? Cmp($"{path}.RequestProblemInformation", e.RequestProblemInformation, a.RequestProblemInformation)
               ?? Cmp($"{path}.WillDelayInterval", e.WillDelayInterval, a.WillDelayInterval)
               ?? Cmp($"{path}.RequestResponseInformation", e.RequestResponseInformation, a.RequestResponseInformation)
               ?? Cmp($"{path}.ResponseInformation", e.ResponseInformation, a.ResponseInformation)
               ?? Cmp($"{path}.ServerReference", e.ServerReference, a.ServerReference)
               ?? Cmp($"{path}.ReasonString", e.ReasonString, a.ReasonString)
               ?? Cmp($"{path}.ReceiveMaximum", e.ReceiveMaximum, a.ReceiveMaximum)
               ?? Cmp($"{path}.TopicAliasMaximum", e.TopicAliasMaximum, a.TopicAliasMaximum)
               ?? Cmp($"{path}.TopicAlias", e.TopicAlias, a.TopicAlias)
               ?? Cmp($"{path}.MaximumQoS", e.MaximumQoS, a.MaximumQoS)
               ?? Cmp($"{path}.RetainAvailable", e.RetainAvailable, a.RetainAvailable)
               ?? CmpList($"{path}.UserProperties", e.UserProperties, a.UserProperties, Cmp)
               ?? Cmp($"{path}.MaximumPacketSize", e.MaximumPacketSize, a.MaximumPacketSize)
               ?? Cmp($"{path}.WildcardSubscriptionAvailable", e.WildcardSubscriptionAvailable, a.WildcardSubscriptionAvailable)
               ?? Cmp($"{path}.SubscriptionIdentifierAvailable", e.SubscriptionIdentifierAvailable, a.SubscriptionIdentifierAvailable)
               ?? Cmp($"{path}.SharedSubscriptionAvailable", e.SharedSubscriptionAvailable, a.SharedSubscriptionAvailable);
    }

    private static string Show<T>(T value) => value switch
    {
        null => "null",
        string s => $"\"{Escape(s)}\"",
        _ => value.ToString() ?? "",
    };

    private static string Escape(string s)
    {
        var sb = new StringBuilder();
        foreach (var c in s)
        {
            sb.Append(c is >= ' ' and < '\u007F' ? c.ToString() : $"\\u{(int)c:X4}");
        }

        return sb.ToString();
    }

    /// <summary>A readable one-field-per-line description, for failure messages.</summary>
    public static string Dump(MqttPacket packet)
    {
        var sb = new StringBuilder();
        DumpObject(sb, "  ", packet);
        return sb.ToString();
    }

    private static void DumpObject(StringBuilder sb, string indent, object? value)
    {
        if (value is null)
        {
            return;
        }

        foreach (var property in value.GetType().GetProperties())
        {
            if (property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var v = property.GetValue(value);
            switch (v)
            {
                case null:
                    continue;
                case ReadOnlyMemory<byte> bytes:
                    sb.Append(indent).Append(property.Name).Append(" = ").Append(bytes.Length).Append(" bytes ")
                      .AppendLine(Convert.ToHexString(bytes.Span[..Math.Min(32, bytes.Length)]));
                    break;
                case MqttProperties or MqttWill:
                    sb.Append(indent).Append(property.Name).AppendLine(":");
                    DumpObject(sb, indent + "  ", v);
                    break;
                case System.Collections.IEnumerable items and not string:
                    sb.Append(indent).Append(property.Name).Append(" = [");
                    foreach (var item in items)
                    {
                        if (item is MqttTopicFilter f)
                        {
                            sb.Append($"{{{Show(f.Filter)} {f.MaximumQoS} nl={f.NoLocal} rap={f.RetainAsPublished} rh={f.RetainHandling}}}, ");
                        }
                        else
                        {
                            sb.Append(item is string s ? Show(s) : item?.ToString()).Append(", ");
                        }
                    }

                    sb.AppendLine("]");
                    break;
                default:
                    sb.Append(indent).Append(property.Name).Append(" = ").AppendLine(Show(v));
                    break;
            }
        }
    }
}
