using Gmqtt.Protocol.Packets;

namespace Gmqtt.Protocol.Tests;

public class SmokeTests
{
    [Theory]
    [InlineData(MqttProtocolVersion.V310)]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void Connect_round_trips_in_every_version(MqttProtocolVersion version)
    {
        var connect = new ConnectPacket
        {
            ProtocolVersion = version,
            ClientId = "client-1",
            KeepAlive = 60,
            UserName = "user",
            Password = new byte[] { 1, 2, 3 },
            Will = new MqttWill { Topic = "will/topic", Payload = new byte[] { 9 }, QoS = MqttQualityOfService.AtLeastOnce, Retain = true },
            Properties = version == MqttProtocolVersion.V500 ? new MqttProperties { SessionExpiryInterval = 30 }.AddUserProperty("a", "b") : null,
        };
        var decoded = Assert.IsType<ConnectPacket>(PacketTestHelpers.Decode(PacketTestHelpers.Encode(connect, version), MqttProtocolVersion.V311));
        Assert.Equal(version, decoded.ProtocolVersion);
        Assert.Equal("client-1", decoded.ClientId);
        Assert.Equal("user", decoded.UserName);
        Assert.Equal(new byte[] { 1, 2, 3 }, decoded.Password!.Value.ToArray());
        Assert.Equal("will/topic", decoded.Will!.Topic);
        Assert.True(decoded.Will.Retain);
        if (version == MqttProtocolVersion.V500)
        {
            Assert.Equal(30u, decoded.Properties!.SessionExpiryInterval);
            Assert.Equal(new MqttUserProperty("a", "b"), Assert.Single(decoded.Properties.UserProperties!));
        }
    }

    [Fact]
    public void Publish_v311_matches_the_standard_layout()
    {
        var bytes = PacketTestHelpers.Encode(
            new PublishPacket { Topic = "a/b", QoS = MqttQualityOfService.AtLeastOnce, PacketId = 10, Payload = new byte[] { 0xAA } },
            MqttProtocolVersion.V311);
        Assert.Equal(new byte[] { 0x32, 0x08, 0x00, 0x03, (byte)'a', (byte)'/', (byte)'b', 0x00, 0x0A, 0xAA }, bytes);
    }

    [Fact]
    public void ConnAck_for_MQTT_3_1_never_sets_the_reserved_session_present_bit()
    {
        var bytes = PacketTestHelpers.Encode(new ConnAckPacket { SessionPresent = true }, MqttProtocolVersion.V310);
        Assert.Equal(new byte[] { 0x20, 0x02, 0x00, 0x00 }, bytes);
    }
}
