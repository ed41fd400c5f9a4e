using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using MqttMessage = MQTTnet.MqttApplicationMessage;

namespace Gmqtt.AspNetCore.Tests.Infrastructure;

/// <summary>An MQTTnet client that records what it receives, for awaiting with a timeout (never a sleep).</summary>
internal sealed class MqttnetClient : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly Channel<MqttMessage> _received = Channel.CreateUnbounded<MqttMessage>();
    private readonly TaskCompletionSource<MqttClientDisconnectedEventArgs> _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public MqttnetClient()
    {
        Client = new MqttClientFactory().CreateMqttClient();
        Client.ApplicationMessageReceivedAsync += e =>
        {
            _received.Writer.TryWrite(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        Client.DisconnectedAsync += e =>
        {
            if (e.ClientWasConnected)
            {
                _disconnected.TrySetResult(e);
            }

            return Task.CompletedTask;
        };
    }

    public IMqttClient Client { get; }

    /// <summary>Completes when a connection that had been established ends.</summary>
    public Task<MqttClientDisconnectedEventArgs> Disconnected => _disconnected.Task;

    /// <summary>Builds client options for one of the sample's endpoints: "tcp", "tls" or "ws".</summary>
    public static MqttClientOptionsBuilder Options(ServerFixture server, string transport, MqttProtocolVersion version, string clientId)
    {
        var builder = new MqttClientOptionsBuilder().WithClientId(clientId).WithProtocolVersion(version).WithTimeout(Timeout);
        return transport switch
        {
            "tcp" => builder.WithTcpServer("127.0.0.1", server.Endpoints.MqttPort),
            "tls" => builder.WithTcpServer("127.0.0.1", server.Endpoints.MqttTlsPort)
                .WithTlsOptions(o => o.UseTls().WithCertificateValidationHandler(_ => true)),
            "ws" => builder.WithWebSocketServer(o => o.WithUri($"ws://127.0.0.1:{server.Endpoints.HttpPort}/mqtt")),
            _ => throw new ArgumentOutOfRangeException(nameof(transport), transport, null),
        };
    }

    public static async Task<MqttnetClient> ConnectAsync(MqttClientOptions options)
    {
        var client = new MqttnetClient();
        await client.Client.ConnectAsync(options, new CancellationTokenSource(Timeout).Token);
        return client;
    }

    /// <summary>The next message received, or a timeout failure.</summary>
    public async Task<MqttMessage> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            return await _received.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"No message arrived within {Timeout.TotalSeconds} s.");
        }
    }

    /// <summary>Messages already received and not yet read.</summary>
    public List<MqttMessage> Drain()
    {
        var list = new List<MqttMessage>();
        while (_received.Reader.TryRead(out var message))
        {
            list.Add(message);
        }

        return list;
    }

    public async Task SubscribeAsync(string filter, MQTTnet.Protocol.MqttQualityOfServiceLevel qos)
    {
        var result = await Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, qos).Build(), new CancellationTokenSource(Timeout).Token);
        Assert.Equal((int)qos, (int)Assert.Single(result.Items).ResultCode);
    }

    public async Task<MqttClientPublishResult> PublishAsync(string topic, string payload, MQTTnet.Protocol.MqttQualityOfServiceLevel qos, bool retain = false) =>
        await Client.PublishAsync(
            new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(qos).WithRetainFlag(retain).Build(),
            new CancellationTokenSource(Timeout).Token);

    public void Dispose() => Client.Dispose();
}
