using System.Net;
using System.Net.Http.Json;
using Gmqtt.AspNetCore.Admin;
using MQTTnet;
using MQTTnet.Protocol;

namespace Gmqtt.AspNetCore.Tests.Admin;

/// <summary>Subscriptions listed, added and removed through the admin API, seen by real MQTTnet clients.</summary>
public class AdminSubscriptionsTests(AdminServerFactory server) : IClassFixture<AdminServerFactory>
{
    [Fact]
    public async Task Subscribing_on_a_client_s_behalf_makes_it_receive_matching_publishes()
    {
        using var http = server.Http();
        using var client = await server.ConnectAsync("subscribed-1");

        var created = await http.PostAsJsonAsync("clients/subscribed-1/subscriptions", new { filter = "api-sub/+/x", qos = 1 });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(new AdminSubscription("subscribed-1", "api-sub/+/x", 1, false, false, 0), await created.Content.ReadFromJsonAsync<AdminSubscription>());
        using var publisher = await server.ConnectAsync("subscribed-1-publisher");
        await publisher.PublishAsync("api-sub/a/x", "via the API", MqttQualityOfServiceLevel.AtLeastOnce);
        var message = await client.ReceiveAsync();
        Assert.Equal(("api-sub/a/x", "via the API", MqttQualityOfServiceLevel.AtLeastOnce), (message.Topic, message.ConvertPayloadToString(), message.QualityOfServiceLevel));
    }

    [Fact]
    public async Task Subscribing_delivers_retained_messages_as_a_SUBSCRIBE_would()
    {
        using var http = server.Http();
        using var client = await server.ConnectAsync("subscribed-2");
        using var publisher = await server.ConnectAsync("subscribed-2-publisher");
        await publisher.PublishAsync("api-retained-sub/kept", "kept", MqttQualityOfServiceLevel.AtLeastOnce, retain: true);

        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("clients/subscribed-2/subscriptions", new { filter = "api-retained-sub/#", qos = 1 })).StatusCode);

        var message = await client.ReceiveAsync();
        Assert.Equal(("api-retained-sub/kept", "kept", true), (message.Topic, message.ConvertPayloadToString(), message.Retain));
    }

    [Fact]
    public async Task Subscriptions_are_listed_by_client_and_by_topic_match()
    {
        using var http = server.Http();
        using var a = await server.ConnectAsync("listed-a");
        using var b = await server.ConnectAsync("listed-b");
        await a.SubscribeAsync("listed/+/temp", MqttQualityOfServiceLevel.AtLeastOnce);
        await a.SubscribeAsync("other/#", MqttQualityOfServiceLevel.AtMostOnce);
        await b.SubscribeAsync("$share/group/listed/#", MqttQualityOfServiceLevel.ExactlyOnce);
        await b.SubscribeAsync("listed/room1/humidity", MqttQualityOfServiceLevel.AtMostOnce);

        var ofA = await http.GetFromJsonAsync<List<AdminSubscription>>("subscriptions?clientId=listed-a");
        var ofB = await http.GetFromJsonAsync<List<AdminSubscription>>("clients/listed-b/subscriptions");
        var matching = await http.GetFromJsonAsync<List<AdminSubscription>>("subscriptions?topic=listed/room1/temp");
        var matchingA = await http.GetFromJsonAsync<List<AdminSubscription>>("subscriptions?clientId=listed-a&topic=listed/room1/temp");

        Assert.Equal(["listed/+/temp", "other/#"], ofA!.Select(s => s.Filter).Order(StringComparer.Ordinal));
        Assert.Equal(["$share/group/listed/#", "listed/room1/humidity"], ofB!.Select(s => s.Filter).Order(StringComparer.Ordinal));
        Assert.Equal(
            [("listed-a", "listed/+/temp", 1), ("listed-b", "$share/group/listed/#", 2)],
            matching!.Select(s => (s.ClientId, s.Filter, s.Qos)).Order());
        Assert.Equal("listed/+/temp", Assert.Single(matchingA!).Filter);
    }

    [Fact]
    public async Task Unsubscribing_removes_the_subscription_and_a_second_time_is_a_404()
    {
        using var http = server.Http();
        using var client = await server.ConnectAsync("unsubscribed-1");
        await client.SubscribeAsync("gone/#", MqttQualityOfServiceLevel.AtLeastOnce);

        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync("clients/unsubscribed-1/subscriptions?filter=gone%2F%23")).StatusCode);

        Assert.Empty((await http.GetFromJsonAsync<List<AdminSubscription>>("clients/unsubscribed-1/subscriptions"))!);
        Assert.Empty(Assert.IsType<MqttClientSnapshot>(server.Broker.GetClient("unsubscribed-1")).Subscriptions);
        await AdminAssert.ProblemAsync(await http.DeleteAsync("clients/unsubscribed-1/subscriptions?filter=gone%2F%23"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("GET", "subscriptions?clientId=nobody")]
    [InlineData("GET", "clients/nobody/subscriptions")]
    [InlineData("POST", "clients/nobody/subscriptions")]
    [InlineData("DELETE", "clients/nobody/subscriptions?filter=a")]
    public async Task Unknown_client_is_a_404_problem(string method, string path)
    {
        using var http = server.Http();
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = method == "POST" ? JsonContent.Create(new { filter = "a/b", qos = 0 }) : null,
        };

        await AdminAssert.ProblemAsync(await http.SendAsync(request), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("""{"filter":"a/#/b","qos":0}""", "filter")]
    [InlineData("""{"filter":"a+/b","qos":0}""", "filter")]
    [InlineData("""{"filter":"","qos":0}""", "filter")]
    [InlineData("""{"qos":0}""", "filter")]
    [InlineData("""{"filter":"$share//a","qos":0}""", "filter")]
    [InlineData("""{"filter":"a/b","qos":3}""", "qos")]
    [InlineData("""{"filter":"a/b","qos":-1}""", "qos")]
    [InlineData("""{"filter":"a/b","qos":0,"retainHandling":3}""", "retainHandling")]
    [InlineData("""{"filter":"$share/g/a","qos":0,"noLocal":true}""", "noLocal")]
    public async Task Invalid_subscribe_requests_are_400_validation_problems(string body, string field)
    {
        using var http = server.Http();
        using var client = await server.ConnectAsync("invalid-subscribe");

        await AdminAssert.ValidationProblemAsync(
            await http.PostAsync("clients/invalid-subscribe/subscriptions", new StringContent(body, System.Text.Encoding.UTF8, "application/json")),
            field);
        Assert.Empty(server.Broker.GetClient("invalid-subscribe")!.Subscriptions);
    }

    [Theory]
    [InlineData("subscriptions?topic=a/%2B", "topic")]
    [InlineData("subscriptions?topic=a/%23", "topic")]
    [InlineData("clients/c/subscriptions?filter=", "filter")]
    public async Task Invalid_subscription_queries_are_400_validation_problems(string path, string field)
    {
        using var http = server.Http();
        var response = path.Contains("filter=", StringComparison.Ordinal) ? await http.DeleteAsync(path) : await http.GetAsync(path);
        await AdminAssert.ValidationProblemAsync(response, field);
    }
}
