using Gmqtt.Protocol.Packets;

namespace Gmqtt.Protocol.Tests;

/// <summary>
/// Field-by-field equality of decoded packets, so that a test fails on the field that differs rather than
/// on the packet type alone. Absent (<see langword="null"/>) and empty are different: the codec reads an empty
/// property list as <see langword="null"/>, a password of zero bytes as an empty array.
/// </summary>
internal static class PacketAssert
{
    public static void Equal(MqttPacket expected, MqttPacket actual)
    {
        Assert.Equal(expected.GetType(), actual.GetType());
        Assert.Equal(expected.Type, actual.Type);
        if (expected is MqttPacketWithProperties withProperties)
        {
            PropertiesEqual(withProperties.Properties, ((MqttPacketWithProperties)actual).Properties, "packet");
        }

        switch (expected)
        {
            case ConnectPacket e:
                var connect = (ConnectPacket)actual;
                Assert.Equal(e.ProtocolVersion, connect.ProtocolVersion);
                Assert.Equal(e.ClientId, connect.ClientId);
                Assert.Equal(e.CleanSession, connect.CleanSession);
                Assert.Equal(e.KeepAlive, connect.KeepAlive);
                Assert.Equal(e.UserName, connect.UserName);
                BytesEqual(e.Password, connect.Password, "Password");
                if (e.Will is null)
                {
                    Assert.Null(connect.Will);
                }
                else
                {
                    Assert.NotNull(connect.Will);
                    Assert.Equal(e.Will.Topic, connect.Will.Topic);
                    BytesEqual(e.Will.Payload, connect.Will.Payload, "Will.Payload");
                    Assert.Equal(e.Will.QoS, connect.Will.QoS);
                    Assert.Equal(e.Will.Retain, connect.Will.Retain);
                    PropertiesEqual(e.Will.Properties, connect.Will.Properties, "will");
                }

                break;
            case ConnAckPacket e:
                var connAck = (ConnAckPacket)actual;
                Assert.Equal(e.SessionPresent, connAck.SessionPresent);
                Assert.Equal(e.ReasonCode, connAck.ReasonCode);
                break;
            case PublishPacket e:
                var publish = (PublishPacket)actual;
                Assert.Equal(e.Topic, publish.Topic);
                Assert.Equal(e.QoS, publish.QoS);
                Assert.Equal(e.Retain, publish.Retain);
                Assert.Equal(e.Dup, publish.Dup);
                Assert.Equal(e.PacketId, publish.PacketId);
                BytesEqual(e.Payload, publish.Payload, "Payload");
                break;
            case MqttAckPacket e:
                var ack = (MqttAckPacket)actual;
                Assert.Equal(e.PacketId, ack.PacketId);
                Assert.Equal(e.ReasonCode, ack.ReasonCode);
                break;
            case SubscribePacket e:
                var subscribe = (SubscribePacket)actual;
                Assert.Equal(e.PacketId, subscribe.PacketId);
                Assert.Equal(
                    e.Filters.Select(f => (f.Filter, f.MaximumQoS, f.NoLocal, f.RetainAsPublished, f.RetainHandling)),
                    subscribe.Filters.Select(f => (f.Filter, f.MaximumQoS, f.NoLocal, f.RetainAsPublished, f.RetainHandling)));
                break;
            case SubAckPacket e:
                var subAck = (SubAckPacket)actual;
                Assert.Equal(e.PacketId, subAck.PacketId);
                Assert.Equal(e.ReasonCodes, subAck.ReasonCodes);
                break;
            case UnsubscribePacket e:
                var unsubscribe = (UnsubscribePacket)actual;
                Assert.Equal(e.PacketId, unsubscribe.PacketId);
                Assert.Equal(e.Filters, unsubscribe.Filters);
                break;
            case UnsubAckPacket e:
                var unsubAck = (UnsubAckPacket)actual;
                Assert.Equal(e.PacketId, unsubAck.PacketId);
                Assert.Equal(e.ReasonCodes, unsubAck.ReasonCodes);
                break;
            case DisconnectPacket e:
                Assert.Equal(e.ReasonCode, ((DisconnectPacket)actual).ReasonCode);
                break;
            case AuthPacket e:
                Assert.Equal(e.ReasonCode, ((AuthPacket)actual).ReasonCode);
                break;
            case PingReqPacket or PingRespPacket:
                break;
            default:
                throw new InvalidOperationException($"PacketAssert does not know {expected.GetType().Name}.");
        }
    }

    /// <summary>
    /// Compares every public property of <see cref="MqttProperties"/> by reflection, so a property added to the
    /// class later is compared too. Lists compare in order (user properties keep their order, [MQTT-3.3.2-18]).
    /// </summary>
    public static void PropertiesEqual(MqttProperties? expected, MqttProperties? actual, string where)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"The {where} properties: expected {(expected is null ? "none" : "some")}, got {(actual is null ? "none" : "some")}.");
            return;
        }

        foreach (var property in typeof(MqttProperties).GetProperties())
        {
            var e = property.GetValue(expected);
            var a = property.GetValue(actual);
            var label = $"{where} property {property.Name}";
            switch (e)
            {
                case string text:
                    Assert.True(text == a as string, $"{label}: expected \"{text}\", got {(a is null ? "null" : $"\"{a}\"")}.");
                    break;
                case ReadOnlyMemory<byte> bytes:
                    Assert.True(a is ReadOnlyMemory<byte>, $"{label}: expected bytes, got {a ?? "null"}.");
                    Assert.Equal(PacketTestHelpers.ToHex(bytes.Span), PacketTestHelpers.ToHex(((ReadOnlyMemory<byte>)a!).Span));
                    break;
                case System.Collections.IEnumerable list:
                    Assert.True(a is System.Collections.IEnumerable, $"{label}: expected a list, got null.");
                    Assert.Equal(list.Cast<object>(), ((System.Collections.IEnumerable)a!).Cast<object>());
                    break;
                default:
                    Assert.True(Equals(e, a), $"{label}: expected {e ?? "null"}, got {a ?? "null"}.");
                    break;
            }
        }
    }

    private static void BytesEqual(ReadOnlyMemory<byte>? expected, ReadOnlyMemory<byte>? actual, string field)
    {
        Assert.True(expected.HasValue == actual.HasValue, $"{field}: expected {(expected.HasValue ? "a value" : "none")}, got {(actual.HasValue ? "a value" : "none")}.");
        if (expected is { } e)
        {
            Assert.Equal(PacketTestHelpers.ToHex(e.Span), PacketTestHelpers.ToHex(actual!.Value.Span));
        }
    }
}
