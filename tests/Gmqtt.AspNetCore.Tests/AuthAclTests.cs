using System.Net;
using System.Net.Http.Json;
using Gmqtt.AspNetCore.Admin;
using Gmqtt.AspNetCore.Tests.Admin;
using Gmqtt.AspNetCore.Tests.Infrastructure;
using Gmqtt.Server.Auth;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Gmqtt.AspNetCore.Tests;

/// <summary>The sample broker with <c>Gmqtt:Auth</c> users and <c>Gmqtt:Acl</c> rules turned on.</summary>
public sealed class AuthAclServerFixture : ServerFixture
{
    public AuthAclServerFixture()
    {
        ExtraArgs =
        [
            "--Gmqtt:Auth:Enabled=true",
            "--Gmqtt:Auth:AllowAnonymous=false",
            "--Gmqtt:Auth:Users:0:UserName=alice",
            $"--Gmqtt:Auth:Users:0:PasswordHash={ConfigurationAuthHook.HashPassword("alice-secret")}",
            "--Gmqtt:Auth:Users:1:UserName=bob",
            $"--Gmqtt:Auth:Users:1:PasswordHash={ConfigurationAuthHook.HashPassword("bob-secret")}",
            "--Gmqtt:Acl:Enabled=true",
            // bob may not subscribe to secret/#; nobody may publish to readonly/#; limited/# is granted QoS 0 at most.
            "--Gmqtt:Acl:Rules:0:User=bob", "--Gmqtt:Acl:Rules:0:Action=subscribe", "--Gmqtt:Acl:Rules:0:Filter=secret/#", "--Gmqtt:Acl:Rules:0:Allow=false",
            "--Gmqtt:Acl:Rules:1:User=*", "--Gmqtt:Acl:Rules:1:Action=publish", "--Gmqtt:Acl:Rules:1:Filter=readonly/#", "--Gmqtt:Acl:Rules:1:Allow=false",
            "--Gmqtt:Acl:Rules:2:User=*", "--Gmqtt:Acl:Rules:2:Action=subscribe", "--Gmqtt:Acl:Rules:2:Filter=limited/#", "--Gmqtt:Acl:Rules:2:MaxQoS=0",
            "--Gmqtt:Acl:Rules:3:User=*", "--Gmqtt:Acl:Rules:3:Action=all", "--Gmqtt:Acl:Rules:3:Filter=#",
        ];
    }
}

public class AuthAclTests(AuthAclServerFixture server) : IClassFixture<AuthAclServerFixture>
{
    public static TheoryData<MqttProtocolVersion> Versions => [MqttProtocolVersion.V311, MqttProtocolVersion.V500];

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Wrong_password_is_refused_with_bad_user_name_or_password(MqttProtocolVersion version)
    {
        using var client = new MqttnetClient();
        var options = Options(version, "auth-wrong", "alice", "not-her-password");

        var refused = await client.Client.ConnectAsync(options);

        // CONNACK return code 0x04 (3.1.1) / reason code 0x86 (5.0), and no session is created.
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, refused.ResultCode);
        Assert.False(client.Client.IsConnected);
        Assert.Null(server.Broker.GetClient("auth-wrong"));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Unknown_user_is_refused_with_bad_user_name_or_password(MqttProtocolVersion version)
    {
        using var client = new MqttnetClient();
        var refused = await client.Client.ConnectAsync(Options(version, "auth-unknown", "mallory", "alice-secret"));
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, refused.ResultCode);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Anonymous_client_is_refused_when_anonymous_access_is_off(MqttProtocolVersion version)
    {
        using var client = new MqttnetClient();
        var refused = await client.Client.ConnectAsync(Options(version, "auth-anonymous", null, null));

        // 3.1.1 has only "not authorized" (0x05); 5.0 says 0x87.
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, refused.ResultCode);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Right_password_connects(MqttProtocolVersion version)
    {
        using var client = new MqttnetClient();
        var result = await client.Client.ConnectAsync(Options(version, $"auth-right-{version}", "alice", "alice-secret"));
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        Assert.Equal("alice", server.Broker.GetClient($"auth-right-{version}")?.UserName);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311, 0x80)]
    [InlineData(MqttProtocolVersion.V500, 0x87)]
    public async Task Denied_subscribe_is_answered_with_failure_and_allowed_filters_in_the_same_SUBSCRIBE_are_granted(MqttProtocolVersion version, int expected)
    {
        using var bob = new MqttnetClient();
        await bob.Client.ConnectAsync(Options(version, $"acl-sub-{version}", "bob", "bob-secret"));

        var result = await bob.Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter("secret/plans", MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter("public/news", MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());

        // One return code per filter, in order [MQTT-3.8.4-5] [MQTT-3.9.3-1]: 0x80 Failure (3.1.1) / 0x87 Not authorized (5.0).
        Assert.Equal([expected, 0x01], result.Items.Select(i => (int)i.ResultCode));
        var filters = server.Broker.GetClient($"acl-sub-{version}")!.Subscriptions.Select(s => s.Filter);
        Assert.Equal(["public/news"], filters);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Denied_publish_is_not_delivered(MqttProtocolVersion version)
    {
        using var subscriber = new MqttnetClient();
        await subscriber.Client.ConnectAsync(Options(version, $"acl-pub-sub-{version}", "alice", "alice-secret"));
        await subscriber.SubscribeAsync($"readonly/{version}/#", MqttQualityOfServiceLevel.AtLeastOnce);
        await subscriber.SubscribeAsync($"open/{version}/#", MqttQualityOfServiceLevel.AtLeastOnce);
        using var publisher = new MqttnetClient();
        await publisher.Client.ConnectAsync(Options(version, $"acl-pub-{version}", "bob", "bob-secret"));

        var denied = await publisher.PublishAsync($"readonly/{version}/x", "forbidden", MqttQualityOfServiceLevel.AtLeastOnce);
        await publisher.PublishAsync($"open/{version}/x", "allowed", MqttQualityOfServiceLevel.AtLeastOnce);

        // Messages from one publisher are delivered in order [MQTT-4.6.0-6]: had the first been routed, it would arrive first.
        var first = await subscriber.ReceiveAsync();
        Assert.Equal("allowed", first.ConvertPayloadToString());
        if (version == MqttProtocolVersion.V500)
        {
            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, denied.ReasonCode); // PUBACK 0x87
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Subscription_is_downgraded_to_the_rules_maximum_QoS(MqttProtocolVersion version)
    {
        using var client = new MqttnetClient();
        await client.Client.ConnectAsync(Options(version, $"acl-qos-{version}", "alice", "alice-secret"));
        var result = await client.Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter($"limited/{version}", MqttQualityOfServiceLevel.ExactlyOnce).Build());

        // The server may grant a lower QoS than requested [MQTT-3.8.4-6]; messages then arrive at that QoS.
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS0, Assert.Single(result.Items).ResultCode);
        await client.PublishAsync($"limited/{version}", "downgraded", MqttQualityOfServiceLevel.ExactlyOnce);
        var message = await client.ReceiveAsync();
        Assert.Equal("downgraded", message.ConvertPayloadToString());
        Assert.Equal(MqttQualityOfServiceLevel.AtMostOnce, message.QualityOfServiceLevel);
    }

    [Fact]
    public async Task Admin_API_subscriptions_are_under_the_ACL_a_refusal_is_a_422_problem_with_the_SUBACK_code()
    {
        using var bob = new MqttnetClient();
        await bob.Client.ConnectAsync(Options(MqttProtocolVersion.V500, "acl-admin", "bob", "bob-secret"));
        using var http = AdminServerFactory.CreateHttp(server.Endpoints.HttpPort, ServerFixture.AdminApiKey);

        var refused = await AdminAssert.ProblemAsync(
            await http.PostAsJsonAsync("clients/acl-admin/subscriptions", new { filter = "secret/plans", qos = 1 }),
            HttpStatusCode.UnprocessableEntity);
        Assert.Equal((0x87, "NotAuthorized"), (refused.GetProperty("reasonCode").GetInt32(), refused.GetProperty("reason").GetString()));

        // Granted at the rule's maximum QoS, and the answer says so.
        var downgraded = await http.PostAsJsonAsync("clients/acl-admin/subscriptions", new { filter = "limited/admin", qos = 2 });
        Assert.Equal(HttpStatusCode.Created, downgraded.StatusCode);
        Assert.Equal(0, (await downgraded.Content.ReadFromJsonAsync<AdminSubscription>())!.Qos);
        var subscription = Assert.Single(server.Broker.GetClient("acl-admin")!.Subscriptions);
        Assert.Equal(("limited/admin", Gmqtt.Protocol.MqttQualityOfService.AtMostOnce), (subscription.Filter, subscription.MaximumQoS));
    }

    private MqttClientOptions Options(MqttProtocolVersion version, string clientId, string? user, string? password)
    {
        var builder = MqttnetClient.Options(server, "tcp", version, clientId).WithCleanSession();
        if (user is not null)
        {
            builder.WithCredentials(user, password);
        }

        return builder.Build();
    }
}
