using System.Buffers;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Benchmarks;

/// <summary>The packets the benchmarks encode and decode.</summary>
public static class Samples
{
    public static ConnectPacket Connect(MqttProtocolVersion version) => new()
    {
        ProtocolVersion = version,
        ClientId = "sensor-0042-living-room",
        CleanSession = true,
        KeepAlive = 60,
        UserName = "device-user",
        Password = new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 },
        Will = new MqttWill
        {
            Topic = "devices/sensor-0042/status",
            Payload = "offline"u8.ToArray(),
            QoS = MqttQualityOfService.AtLeastOnce,
            Retain = true,
            Properties = version == MqttProtocolVersion.V500 ? new MqttProperties { WillDelayInterval = 5 } : null,
        },
        Properties = version == MqttProtocolVersion.V500
            ? new MqttProperties { SessionExpiryInterval = 3600, ReceiveMaximum = 100, TopicAliasMaximum = 10 }
            : null,
    };

    /// <summary>A QoS 1 PUBLISH; in MQTT 5.0 with a content type, a user property and a message expiry.</summary>
    public static PublishPacket Publish(MqttProtocolVersion version, int payloadSize)
    {
        var payload = new byte[payloadSize];
        new Random(42).NextBytes(payload);
        return new PublishPacket
        {
            Topic = "building/7/floor/3/room/12/temperature",
            QoS = MqttQualityOfService.AtLeastOnce,
            PacketId = 4711,
            Payload = payload,
            Properties = version == MqttProtocolVersion.V500
                ? new MqttProperties { ContentType = "application/json", MessageExpiryInterval = 300 }.AddUserProperty("trace-id", "4bf92f3577b34da6")
                : null,
        };
    }

    public static SubscribePacket Subscribe(MqttProtocolVersion version) => new()
    {
        PacketId = 17,
        Filters =
        [
            new MqttTopicFilter { Filter = "building/7/+/+/room/+/temperature", MaximumQoS = MqttQualityOfService.AtLeastOnce },
            new MqttTopicFilter { Filter = "alerts/#", MaximumQoS = MqttQualityOfService.ExactlyOnce, RetainAsPublished = version == MqttProtocolVersion.V500 },
            new MqttTopicFilter { Filter = "devices/sensor-0042/config", MaximumQoS = MqttQualityOfService.AtMostOnce },
        ],
        Properties = version == MqttProtocolVersion.V500 ? new MqttProperties { SubscriptionIdentifiers = [42] } : null,
    };

    public static byte[] Encode(MqttPacket packet, MqttProtocolVersion version)
    {
        var buffer = new ArrayBufferWriter<byte>();
        MqttPacketWriter.Write(packet, version, buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
