using System.Security.Cryptography;
using Gmqtt.AspNetCore.Tests.Infrastructure;
using Gmqtt.Hooks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Formatter;

namespace Gmqtt.AspNetCore.Tests;

/// <summary>MQTTnet 5.2's enhanced authentication handler against the broker's <see cref="IMqttHook.OnEnhancedAuthAsync"/> (MQTT 5.0 section 4.12).</summary>
public class EnhancedAuthInteropTests
{
    private const string Method = "TEST-CHALLENGE";

    [Theory]
    [InlineData(true, MqttClientConnectResultCode.Success)]
    [InlineData(false, MqttClientConnectResultCode.NotAuthorized)]
    public async Task MQTTnet_client_answers_the_challenge_over_TCP(bool rightAnswer, MqttClientConnectResultCode expected)
    {
        await using var app = new TestApp();
        var mqtt = app.Listen(l => l.UseMqtt());
        app.Builder.Services.AddGmqtt().AddHook<ChallengeHook>();
        await app.StartAsync();

        using var client = new MqttnetClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", app.Port(mqtt))
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId($"enhanced-{rightAnswer}")
            .WithTimeout(MqttnetClient.Timeout)
            .WithEnhancedAuthentication(Method, [1, 2, 3])
            .WithEnhancedAuthenticationHandler(new Answerer(rightAnswer))
            .Build();

        var result = await client.Client.ConnectAsync(options);

        Assert.Equal(expected, result.ResultCode);
        if (rightAnswer)
        {
            Assert.Equal(Method, result.AuthenticationMethod);
            Assert.Equal("welcome"u8.ToArray(), result.AuthenticationData);
            Assert.True(client.Client.IsConnected);
        }
        else
        {
            Assert.Equal("wrong answer", result.ReasonString);
            Assert.False(client.Client.IsConnected);
        }
    }

    private static byte[] Answer(byte[] nonce) => [.. nonce.Select(b => (byte)(b ^ 0x5A)).Reverse()];

    private sealed class Answerer(bool right) : IMqttEnhancedAuthenticationHandler
    {
        public Task HandleEnhancedAuthenticationAsync(MqttEnhancedAuthenticationEventArgs eventArgs) =>
            eventArgs.SendAsync(new SendMqttEnhancedAuthenticationDataOptions { Data = right ? Answer(eventArgs.AuthenticationData) : [0] }, eventArgs.CancellationToken);
    }

    /// <summary>A random nonce; the client answers each byte XOR 0x5A, reversed.</summary>
    private sealed class ChallengeHook : IMqttHook
    {
        public ValueTask OnEnhancedAuthAsync(MqttEnhancedAuthContext context)
        {
            if (context.AuthenticationMethod != Method)
            {
                return ValueTask.CompletedTask;
            }

            if (context.Step == MqttEnhancedAuthStep.Continue)
            {
                if (context.AuthenticationData is { } data && data.Span.SequenceEqual(Answer((byte[])context.State["nonce"]!)))
                {
                    context.Succeed("welcome"u8.ToArray());
                }
                else
                {
                    context.Fail(Protocol.MqttReasonCode.NotAuthorized, "wrong answer");
                }
            }
            else
            {
                var nonce = RandomNumberGenerator.GetBytes(16);
                context.State["nonce"] = nonce;
                context.Continue(nonce);
            }

            return ValueTask.CompletedTask;
        }
    }
}
