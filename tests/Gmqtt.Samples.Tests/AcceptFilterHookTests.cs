using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;
using MQTTnet.Adapter;

namespace Gmqtt.Samples.Tests;

public class AcceptFilterHookTests
{
    private const string HookCategory = "Gmqtt.Samples.Hooks.AcceptFilterHook";
    private const int BlacklistedEvent = 1;
    private const int RateLimitedEvent = 2;

    // Linux routes all of 127.0.0.0/8 to loopback, so a client can connect from a second address.
    private static readonly IPAddress OtherLoopback = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task Blacklisted_address_is_closed_before_CONNACK_and_the_refusal_is_logged()
    {
        await using var sample = await SampleApp.StartAsync(["--Hooks:AcceptFilter:Blacklist:0=127.0.0.1"]);
        using var blacklisted = new MqttClientFactory().CreateMqttClient();
        using var other = new MqttClientFactory().CreateMqttClient();

        await AssertClosedBeforeConnAckAsync(blacklisted.ConnectAsync(sample.TcpOptions("blacklisted", "alice", SampleApp.AlicePassword)));
        var accepted = await other.ConnectAsync(sample.TcpOptions("not-blacklisted", "alice", SampleApp.AlicePassword, from: OtherLoopback));

        Assert.True(sample.Logged(HookCategory, BlacklistedEvent), sample.Logs);
        Assert.Equal(MqttClientConnectResultCode.Success, accepted.ResultCode);
    }

    [Fact]
    public async Task Blacklisted_address_is_closed_before_it_sends_any_byte()
    {
        await using var sample = await SampleApp.StartAsync(["--Hooks:AcceptFilter:Blacklist:0=127.0.0.1"]);

        // Nothing is sent: the server closes the connection on its own, long before its 5 minute connect timeout.
        await AssertClosedByServerAsync(sample.Endpoints.MqttPort);

        Assert.True(sample.Logged(HookCategory, BlacklistedEvent), sample.Logs);
    }

    [Fact]
    public async Task Blacklist_applies_to_MQTT_over_WebSocket_too()
    {
        await using var sample = await SampleApp.StartAsync(["--Hooks:AcceptFilter:Blacklist:0=127.0.0.1"]);
        using var client = new MqttClientFactory().CreateMqttClient();

        await AssertClosedBeforeConnAckAsync(client.ConnectAsync(sample.WebSocketOptions("ws-blacklisted", "alice", SampleApp.AlicePassword)));

        Assert.True(sample.Logged(HookCategory, BlacklistedEvent), sample.Logs);
    }

    [Fact]
    public async Task Rate_limit_refuses_the_connection_after_the_limit_within_the_window_and_per_address()
    {
        var time = new FakeTimeProvider();
        await using var sample = await SampleApp.StartAsync(
            ["--Hooks:AcceptFilter:PermitLimit=3", "--Hooks:AcceptFilter:Window=00:01:00"],
            builder => builder.Services.AddSingleton<TimeProvider>(time));
        var clients = new List<IMqttClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var client = new MqttClientFactory().CreateMqttClient();
                clients.Add(client);
                var accepted = await client.ConnectAsync(sample.TcpOptions($"within-limit-{i}", "alice", SampleApp.AlicePassword));
                Assert.Equal(MqttClientConnectResultCode.Success, accepted.ResultCode);
            }

            // A failed CONNECT counts too: the limit is on connections, before any MQTT byte.
            using var fourth = new MqttClientFactory().CreateMqttClient();
            await AssertClosedBeforeConnAckAsync(fourth.ConnectAsync(sample.TcpOptions("over-limit", "alice", SampleApp.AlicePassword)));
            Assert.True(sample.Logged(HookCategory, RateLimitedEvent), sample.Logs);

            // Another address has its own budget.
            using var other = new MqttClientFactory().CreateMqttClient();
            var otherAccepted = await other.ConnectAsync(sample.TcpOptions("other-address", "alice", SampleApp.AlicePassword, from: OtherLoopback));
            Assert.Equal(MqttClientConnectResultCode.Success, otherAccepted.ResultCode);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    [Fact]
    public async Task Rate_limit_window_is_kept_by_the_TimeProvider()
    {
        var time = new FakeTimeProvider();
        await using var sample = await SampleApp.StartAsync(
            ["--Hooks:AcceptFilter:PermitLimit=1", "--Hooks:AcceptFilter:Window=00:01:00"],
            builder => builder.Services.AddSingleton<TimeProvider>(time));
        using var first = new MqttClientFactory().CreateMqttClient();
        using var second = new MqttClientFactory().CreateMqttClient();
        using var third = new MqttClientFactory().CreateMqttClient();

        await first.ConnectAsync(sample.TcpOptions("window-1", "alice", SampleApp.AlicePassword));
        await first.DisconnectAsync();
        await AssertClosedBeforeConnAckAsync(second.ConnectAsync(sample.TcpOptions("window-1-again", "alice", SampleApp.AlicePassword)));
        time.Advance(TimeSpan.FromMinutes(1));
        var accepted = await third.ConnectAsync(sample.TcpOptions("window-2", "alice", SampleApp.AlicePassword));

        Assert.Equal(MqttClientConnectResultCode.Success, accepted.ResultCode);
    }

    /// <summary>
    /// MQTTnet 5 returns a refusing CONNACK as a result; it throws <see cref="MqttConnectingFailedException"/> when the
    /// connection ended (or timed out, which would be a failure here) before any CONNACK.
    /// </summary>
    private static async Task AssertClosedBeforeConnAckAsync(Task<MqttClientConnectResult> connect)
    {
        var failed = await Assert.ThrowsAsync<MqttConnectingFailedException>(() => connect);
        Assert.IsNotAssignableFrom<OperationCanceledException>(failed.InnerException);
    }

    private static async Task AssertClosedByServerAsync(int port)
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, port);
        var buffer = new byte[1];
        int read;
        try
        {
            read = await socket.GetStream().ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (IOException)
        {
            read = 0; // Reset rather than closed: closed all the same.
        }

        Assert.Equal(0, read);
    }
}
