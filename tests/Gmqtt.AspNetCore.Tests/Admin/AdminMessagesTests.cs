using System.Buffers;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Gmqtt.AspNetCore.Admin;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace Gmqtt.AspNetCore.Tests.Admin;

/// <summary>POST /publish and the retained-message routes, checked by real MQTTnet subscribers.</summary>
public class AdminMessagesTests(AdminServerFactory server) : IClassFixture<AdminServerFactory>
{
    [Fact]
    public async Task Publish_reaches_a_subscriber_with_payload_qos_and_every_MQTT5_property()
    {
        using var http = server.Http();
        using var subscriber = await server.ConnectAsync("publish-sub-1", MqttProtocolVersion.V500);
        await subscriber.SubscribeAsync("api-pub/one", MqttQualityOfServiceLevel.ExactlyOnce);

        var response = await http.PostAsJsonAsync("publish", new
        {
            topic = "api-pub/one",
            payload = "héllo",
            qos = 2,
            retain = false,
            contentType = "text/plain",
            responseTopic = "api-pub/replies",
            correlationDataBase64 = Convert.ToBase64String([7, 8, 9]),
            messageExpiryInterval = 120,
            payloadFormatIndicator = 1,
            userProperties = new[] { new { name = "b", value = "1" }, new { name = "a", value = "2" }, new { name = "b", value = "3" } },
        });

        Assert.Equal(new AdminPublishResponse(0, "Success"), await AdminAssert.OkAsync<AdminPublishResponse>(response));
        var message = await subscriber.ReceiveAsync();
        Assert.Equal(("api-pub/one", "héllo", MqttQualityOfServiceLevel.ExactlyOnce, false), (message.Topic, message.ConvertPayloadToString(), message.QualityOfServiceLevel, message.Retain));
        Assert.Equal("text/plain", message.ContentType);
        Assert.Equal("api-pub/replies", message.ResponseTopic);
        Assert.Equal(new byte[] { 7, 8, 9 }, message.CorrelationData);
        Assert.InRange(message.MessageExpiryInterval, 1u, 120u);
        Assert.Equal(MqttPayloadFormatIndicator.CharacterData, message.PayloadFormatIndicator);
        Assert.Equal([("b", "1"), ("a", "2"), ("b", "3")], message.UserProperties.Select(p => (p.Name, p.ReadValueAsString())));
    }

    [Fact]
    public async Task Publish_with_a_base64_payload_delivers_the_exact_bytes()
    {
        using var http = server.Http();
        using var subscriber = await server.ConnectAsync("publish-sub-2", MqttProtocolVersion.V311);
        await subscriber.SubscribeAsync("api-pub/binary", MqttQualityOfServiceLevel.AtLeastOnce);
        byte[] payload = [0, 255, 1, 254, 0x80];

        var response = await http.PostAsJsonAsync("publish", new { topic = "api-pub/binary", payloadBase64 = Convert.ToBase64String(payload), qos = 1 });

        Assert.Equal(0, (await AdminAssert.OkAsync<AdminPublishResponse>(response)).ReasonCode);
        var message = await subscriber.ReceiveAsync();
        Assert.Equal(payload, message.Payload.ToArray());
        Assert.Equal(MqttQualityOfServiceLevel.AtLeastOnce, message.QualityOfServiceLevel);
    }

    [Fact]
    public async Task Publish_without_subscribers_answers_no_matching_subscribers()
    {
        using var http = server.Http();
        var response = await http.PostAsJsonAsync("publish", new { topic = "api-pub/nobody-listens", payload = "x" });
        Assert.Equal(new AdminPublishResponse(16, "NoMatchingSubscribers"), await AdminAssert.OkAsync<AdminPublishResponse>(response));
    }

    [Fact]
    public async Task Retained_publish_is_stored_listed_delivered_to_new_subscribers_and_deleted()
    {
        using var http = server.Http();
        var published = await http.PostAsJsonAsync("publish", new
        {
            topic = "api-retained/room1/temp",
            payload = "21.5",
            qos = 1,
            retain = true,
            contentType = "text/plain",
            userProperties = new[] { new { name = "unit", value = "C" } },
        });
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        await http.PostAsJsonAsync("publish", new { topic = "api-retained/room2/temp", payloadBase64 = Convert.ToBase64String([0xFF, 0xFE]), retain = true });

        var one = await AdminAssert.OkAsync<AdminRetainedMessage>(await http.GetAsync("retained/api-retained/room1/temp"));
        Assert.Equal(
            new AdminRetainedMessage("api-retained/room1/temp", "21.5", Convert.ToBase64String("21.5"u8), 4, 1, "text/plain", null, null, null, null, one.UserProperties, null),
            one);
        Assert.Equal([new AdminUserProperty("unit", "C")], one.UserProperties!);
        var listed = await AdminAssert.OkAsync<List<AdminRetainedMessage>>(await http.GetAsync("retained?filter=api-retained/%2B/temp"));
        Assert.Equal(["api-retained/room1/temp", "api-retained/room2/temp"], listed.Select(m => m.Topic));
        Assert.Null(listed[1].Payload); // not UTF-8: only the base64 form
        Assert.Equal("//4=", listed[1].PayloadBase64);

        // A new subscriber gets it with RETAIN set.
        using var subscriber = await server.ConnectAsync("retained-sub");
        await subscriber.SubscribeAsync("api-retained/room1/temp", MqttQualityOfServiceLevel.AtLeastOnce);
        var message = await subscriber.ReceiveAsync();
        Assert.Equal(("21.5", true), (message.ConvertPayloadToString(), message.Retain));

        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync("retained/api-retained/room1/temp")).StatusCode);
        Assert.Null(server.Broker.RetainedMessages.Get("api-retained/room1/temp"));
        await AdminAssert.ProblemAsync(await http.GetAsync("retained/api-retained/room1/temp"), HttpStatusCode.NotFound);
        await AdminAssert.ProblemAsync(await http.DeleteAsync("retained/api-retained/room1/temp"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_retained_topic_in_the_path_may_have_its_slashes_encoded_as_Swagger_UI_sends_them()
    {
        using var http = server.Http();
        await http.PostAsJsonAsync("publish", new { topic = "api-retained/encoded/x", payload = "e", retain = true });

        var message = await AdminAssert.OkAsync<AdminRetainedMessage>(await http.GetAsync("retained/api-retained%2Fencoded%2Fx"));

        Assert.Equal("api-retained/encoded/x", message.Topic);
        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync("retained/api-retained%2fencoded/x")).StatusCode);
    }

    [Fact]
    public async Task Retained_publish_with_an_empty_payload_clears_the_topic()
    {
        using var http = server.Http();
        await http.PostAsJsonAsync("publish", new { topic = "api-retained/cleared", payload = "x", retain = true });
        Assert.NotNull(server.Broker.RetainedMessages.Get("api-retained/cleared"));

        await http.PostAsJsonAsync("publish", new { topic = "api-retained/cleared", retain = true });

        Assert.Null(server.Broker.RetainedMessages.Get("api-retained/cleared"));
    }

    [Fact]
    public async Task Retained_list_defaults_to_every_non_dollar_topic_and_takes_dollar_filters()
    {
        using var http = server.Http();
        server.Broker.RetainedMessages.Set(new Gmqtt.MqttApplicationMessage { Topic = "$test/retained", Payload = "s"u8.ToArray(), Retain = true });
        await http.PostAsJsonAsync("publish", new { topic = "api-retained/default", payload = "d", retain = true });

        var all = await AdminAssert.OkAsync<List<AdminRetainedMessage>>(await http.GetAsync("retained"));
        var dollar = await AdminAssert.OkAsync<List<AdminRetainedMessage>>(await http.GetAsync("retained?filter=%24test/%23"));

        Assert.Contains(all, m => m.Topic == "api-retained/default");
        Assert.DoesNotContain(all, m => m.Topic.StartsWith('$')); // [MQTT-4.7.2-1]: '#' does not match $ topics
        Assert.Equal("$test/retained", Assert.Single(dollar).Topic);
    }

    [Theory]
    [InlineData("""{"payload":"x"}""", "topic")]
    [InlineData("""{"topic":"","payload":"x"}""", "topic")]
    [InlineData("""{"topic":"a/#","payload":"x"}""", "topic")]
    [InlineData("""{"topic":"a/+/b","payload":"x"}""", "topic")]
    [InlineData("""{"topic":"a/b","qos":3}""", "qos")]
    [InlineData("""{"topic":"a/b","payload":"x","payloadBase64":"eA=="}""", "payloadBase64")]
    [InlineData("""{"topic":"a/b","payloadBase64":"not base64!"}""", "payloadBase64")]
    [InlineData("""{"topic":"a/b","correlationDataBase64":"###"}""", "correlationDataBase64")]
    [InlineData("""{"topic":"a/b","responseTopic":"replies/#"}""", "responseTopic")]
    [InlineData("""{"topic":"a/b","payloadFormatIndicator":2}""", "payloadFormatIndicator")]
    [InlineData("""{"topic":"a/b","payloadBase64":"/w==","payloadFormatIndicator":1}""", "payloadBase64")]
    [InlineData("""{"topic":"a/b","userProperties":[{"name":"n"}]}""", "userProperties")]
    public async Task Invalid_publish_requests_are_400_validation_problems_and_publish_nothing(string body, string field)
    {
        using var http = server.Http();
        using var subscriber = await server.ConnectAsync($"invalid-publish-{field}-{body.Length}");
        await subscriber.SubscribeAsync("a/#", MqttQualityOfServiceLevel.AtMostOnce);

        await AdminAssert.ValidationProblemAsync(await http.PostAsync("publish", new StringContent(body, Encoding.UTF8, "application/json")), field);

        // Messages from one publisher arrive in order: if the marker comes first, the refused one was never routed.
        await http.PostAsJsonAsync("publish", new { topic = "a/marker", payload = "marker" });
        Assert.Equal("a/marker", (await subscriber.ReceiveAsync()).Topic);
        Assert.Null(server.Broker.RetainedMessages.Get("a/b"));
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_is_a_400_problem()
    {
        using var http = server.Http();
        await AdminAssert.ProblemAsync(await http.PostAsync("publish", new StringContent("{\"topic\":", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("GET", "retained?filter=a/%23/b", "filter")]
    [InlineData("GET", "retained?filter=%24share/g/a", "filter")]
    [InlineData("GET", "retained/a/%2B", "topic")]
    [InlineData("DELETE", "retained/a/%2B/b", "topic")]
    public async Task Invalid_retained_topics_and_filters_are_400_validation_problems(string method, string path, string field)
    {
        using var http = server.Http();
        await AdminAssert.ValidationProblemAsync(await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)), field);
    }
}
