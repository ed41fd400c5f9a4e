using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using MqttMessage = MQTTnet.MqttApplicationMessage;

namespace Gmqtt.AspNetCore.Tests;

public class InteropTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    public static TheoryData<string, MqttProtocolVersion> Transports => new()
    {
        { "tcp", MqttProtocolVersion.V311 },
        { "tcp", MqttProtocolVersion.V500 },
        { "tls", MqttProtocolVersion.V311 },
        { "ws", MqttProtocolVersion.V311 },
        { "ws", MqttProtocolVersion.V500 },
    };

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task MQTTnet_client_publishes_and_receives_its_subscription(string transport, MqttProtocolVersion version)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var client = new MqttClientFactory().CreateMqttClient();
        var received = new TaskCompletionSource<MqttMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ApplicationMessageReceivedAsync += e =>
        {
            received.TrySetResult(e.ApplicationMessage);
            return Task.CompletedTask;
        };

        await client.ConnectAsync(Options(transport, version, $"interop-{transport}-{version}"), timeout.Token);
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("interop/+/x", MqttQualityOfServiceLevel.AtLeastOnce).Build(), timeout.Token);
        await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"interop/{transport}/x").WithPayload("hello").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), timeout.Token);

        var message = await received.Task.WaitAsync(timeout.Token);
        Assert.Equal($"interop/{transport}/x", message.Topic);
        Assert.Equal("hello", message.ConvertPayloadToString());
        Assert.Equal(MqttQualityOfServiceLevel.AtLeastOnce, message.QualityOfServiceLevel);
    }

    private MqttClientOptions Options(string transport, MqttProtocolVersion version, string clientId)
    {
        var builder = new MqttClientOptionsBuilder().WithClientId(clientId).WithProtocolVersion(version).WithCleanSession();
        return transport switch
        {
            "tcp" => builder.WithTcpServer("127.0.0.1", server.Endpoints.MqttPort).Build(),
            "tls" => builder.WithTcpServer("127.0.0.1", server.Endpoints.MqttTlsPort)
                .WithTlsOptions(o => o.UseTls().WithCertificateValidationHandler(_ => true)).Build(),
            _ => builder.WithWebSocketServer(o => o.WithUri($"ws://127.0.0.1:{server.Endpoints.HttpPort}/mqtt")).Build(),
        };
    }
}
