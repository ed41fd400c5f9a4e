using MQTTnet;
using MQTTnet.Formatter;

namespace Gmqtt.AspNetCore.Tests;

public class WebSocketCloseTests
{
    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task Refused_CONNECT_over_WebSocket_still_receives_its_CONNACK(MqttProtocolVersion version)
    {
        // Anonymous clients refused: the broker answers CONNACK "not authorized" and then closes [MQTT-3.2.2-5];
        // closing the WebSocket must not drop that CONNACK on its way out.
        var server = new ServerFixture { ExtraArgs = ["--Gmqtt:Auth:Enabled=true", "--Gmqtt:Auth:AllowAnonymous=false"] };
        await server.InitializeAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            using var client = new MqttClientFactory().CreateMqttClient();
            var options = new MqttClientOptionsBuilder().WithClientId($"ws-refused-{version}").WithProtocolVersion(version)
                .WithWebSocketServer(o => o.WithUri($"ws://127.0.0.1:{server.Endpoints.HttpPort}/mqtt")).Build();

            var result = await client.ConnectAsync(options, timeout.Token);

            Assert.Equal(MqttClientConnectResultCode.NotAuthorized, result.ResultCode);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
