using MQTTnet;
using MQTTnet.Formatter;

namespace Gmqtt.Samples.Tests;

public class UserPasswordAuthHookTests(SampleFixture fixture) : IClassFixture<SampleFixture>
{
    private SampleApp Sample => fixture.Sample;

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task Anonymous_client_is_refused_with_NotAuthorized(MqttProtocolVersion version)
    {
        using var client = new MqttClientFactory().CreateMqttClient();

        // MQTT 3.1.1 carries it as return code 5, MQTT 5.0 as reason code 0x87 [MQTT-3.2.2-5].
        var refused = await client.ConnectAsync(Sample.TcpOptions($"anonymous-{version}", userName: null, password: null, version));
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, refused.ResultCode);
    }

    [Theory]
    [InlineData("alice", "wrong", MqttProtocolVersion.V500)]
    [InlineData("alice", "wrong", MqttProtocolVersion.V311)]
    [InlineData("alice", "", MqttProtocolVersion.V500)]
    [InlineData("alice", SampleApp.AlicePassword + "!", MqttProtocolVersion.V500)]
    [InlineData("alice", "alice-secre", MqttProtocolVersion.V500)]
    [InlineData("mallory", SampleApp.AlicePassword, MqttProtocolVersion.V500)]
    [InlineData("Alice", SampleApp.AlicePassword, MqttProtocolVersion.V500)]
    public async Task Wrong_user_name_or_password_is_refused_with_BadUserNameOrPassword(string userName, string password, MqttProtocolVersion version)
    {
        using var client = new MqttClientFactory().CreateMqttClient();

        var refused = await client.ConnectAsync(Sample.TcpOptions($"wrong-{userName}-{password.Length}-{version}", userName, password, version));
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, refused.ResultCode);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task Right_password_is_accepted_for_its_own_user_only()
    {
        using var alice = new MqttClientFactory().CreateMqttClient();
        using var bob = new MqttClientFactory().CreateMqttClient();

        var accepted = await alice.ConnectAsync(Sample.TcpOptions("alice-right", "alice", SampleApp.AlicePassword));
        var refused = await bob.ConnectAsync(Sample.TcpOptions("bob-with-alices-password", "bob", SampleApp.AlicePassword));

        Assert.Equal(MqttClientConnectResultCode.Success, accepted.ResultCode);
        Assert.True(alice.IsConnected);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, refused.ResultCode);
    }

    [Fact]
    public async Task The_web_app_serves_its_page_and_MQTT_over_WebSocket_with_the_same_users()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Sample.Endpoints.HttpPort}") };
        using var anonymous = new MqttClientFactory().CreateMqttClient();
        using var alice = new MqttClientFactory().CreateMqttClient();

        var page = await http.GetStringAsync(new Uri("/", UriKind.Relative));
        var refused = await anonymous.ConnectAsync(Sample.WebSocketOptions("ws-anonymous", userName: null, password: null));
        var accepted = await alice.ConnectAsync(Sample.WebSocketOptions("ws-alice", "alice", SampleApp.AlicePassword));

        Assert.Contains("MQTT", page, StringComparison.Ordinal);
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, refused.ResultCode);
        Assert.Equal(MqttClientConnectResultCode.Success, accepted.ResultCode);
    }
}
