using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gmqtt.AspNetCore.Tests.Infrastructure;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Gmqtt.AspNetCore.Tests.Dashboard;

/// <summary>The dashboard's own HTTP endpoints with a plain HttpClient: the event streams, the page's files, sign-in, 401.</summary>
public class DashboardStreamTests(DashboardServerFixture server) : IClassFixture<DashboardServerFixture>
{
    [Fact]
    public async Task Events_stream_pushes_an_overview_each_second_with_the_broker_counts()
    {
        using var mqtt = await MqttnetClient.ConnectAsync(MqttnetClient.Options(server, "tcp", MqttProtocolVersion.V500, "events-watcher").Build());
        await mqtt.SubscribeAsync("events/a", MqttQualityOfServiceLevel.AtMostOnce);
        using var http = server.CreateClient();
        await using var events = await SseStream.OpenAsync(http, "/dashboard/events");
        Assert.Equal(HttpStatusCode.OK, events.Response.StatusCode);
        Assert.Equal("text/event-stream", events.Response.Content.Headers.ContentType?.MediaType);

        var first = await events.NextAsync();
        Assert.Equal("overview", first.EventType);
        using (var snapshot = JsonDocument.Parse(first.Data))
        {
            // The admin API's overview, as GET /api/v1/overview returns it.
            var overview = snapshot.RootElement.GetProperty("overview");
            Assert.True(overview.GetProperty("connections").GetInt32() >= 1);
            Assert.True(overview.GetProperty("sessions").GetInt32() >= 1);
            Assert.True(overview.GetProperty("subscriptions").GetInt32() >= 1);
            Assert.True(overview.GetProperty("bytesReceived").GetInt64() > 0);
            foreach (var name in new[] { "version", "startedAt", "uptimeSeconds", "retainedMessages", "messagesReceived", "messagesSent",
                "messagesDropped", "messagesReceivedPerSecond", "messagesSentPerSecond" })
            {
                Assert.True(overview.TryGetProperty(name, out _), $"overview lacks {name}");
            }
        }

        // Then one a second, each with the history's newest sample: two different samples arrive within a few events.
        DateTimeOffset? seen = null;
        for (var read = 1; ; read++)
        {
            Assert.True(read < 10, "The samples did not advance.");
            using var snapshot = JsonDocument.Parse((await events.NextAsync()).Data);
            if (snapshot.RootElement.GetProperty("sample") is { ValueKind: JsonValueKind.Object } sample)
            {
                var at = sample.GetProperty("at").GetDateTimeOffset();
                Assert.True(sample.TryGetProperty("messagesReceivedPerSecond", out _));
                if (seen is { } earlier && at > earlier)
                {
                    break;
                }

                seen = at;
            }
        }
    }

    [Fact]
    public async Task Tail_streams_the_messages_whose_topic_matches_its_filter_and_no_others()
    {
        using var http = server.CreateClient();
        await using var tail = await SseStream.OpenAsync(http, "/dashboard/tail?filter=" + Uri.EscapeDataString("tail/+/x"));
        Assert.Equal(HttpStatusCode.OK, tail.Response.StatusCode);
        Assert.Equal("ready", (await tail.NextAsync()).EventType); // The tail listens from here on.

        using var publisher = await MqttnetClient.ConnectAsync(MqttnetClient.Options(server, "tcp", MqttProtocolVersion.V311, "tail-publisher").Build());
        await publisher.PublishAsync("tail/a/x", "first", MqttQualityOfServiceLevel.AtLeastOnce);
        await publisher.PublishAsync("tail/a/y", "not this one", MqttQualityOfServiceLevel.AtLeastOnce);
        await publisher.PublishAsync("other/a/x", "nor this one", MqttQualityOfServiceLevel.AtLeastOnce);
        await publisher.PublishAsync("tail/b/x", "second", MqttQualityOfServiceLevel.AtMostOnce, retain: true);

        var first = await tail.NextAsync();
        Assert.Equal("message", first.EventType);
        using (var message = JsonDocument.Parse(first.Data))
        {
            var m = message.RootElement;
            Assert.Equal("tail/a/x", m.GetProperty("topic").GetString());
            Assert.Equal("first", m.GetProperty("payload").GetString());
            Assert.Equal(1, m.GetProperty("qos").GetInt32());
            Assert.False(m.GetProperty("retain").GetBoolean());
            Assert.Equal("tail-publisher", m.GetProperty("clientId").GetString());
            Assert.Equal(5, m.GetProperty("size").GetInt32());
        }

        using (var message = JsonDocument.Parse((await tail.NextAsync()).Data))
        {
            Assert.Equal("tail/b/x", message.RootElement.GetProperty("topic").GetString());
            Assert.Equal("second", message.RootElement.GetProperty("payload").GetString());
            Assert.True(message.RootElement.GetProperty("retain").GetBoolean());
        }
    }

    [Fact]
    public async Task Tail_sees_messages_published_through_the_admin_API()
    {
        using var http = server.CreateClient();
        await using var tail = await SseStream.OpenAsync(http, "/dashboard/tail?filter=" + Uri.EscapeDataString("admin-tail/#"));
        Assert.Equal("ready", (await tail.NextAsync()).EventType);

        var published = await http.PostAsJsonAsync("/api/v1/publish", new { topic = "admin-tail/one", payload = "from the API", qos = 0, retain = false });
        Assert.True(published.IsSuccessStatusCode, $"publish: {(int)published.StatusCode}");

        using var message = JsonDocument.Parse((await tail.NextAsync()).Data);
        Assert.Equal("admin-tail/one", message.RootElement.GetProperty("topic").GetString());
        Assert.Equal("from the API", message.RootElement.GetProperty("payload").GetString());
        Assert.Equal(JsonValueKind.Null, message.RootElement.GetProperty("clientId").ValueKind); // The server-side API, not a client.
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/#/b")]
    [InlineData("a/b#")]
    [InlineData("a+/b")]
    [InlineData("$share/group/a/b")]
    public async Task Tail_refuses_a_bad_filter_with_a_400_problem(string filter)
    {
        using var http = server.CreateClient();
        var response = await http.GetAsync("/dashboard/tail?filter=" + Uri.EscapeDataString(filter));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("filter", out _));
    }

    [Fact]
    public async Task Tail_without_a_filter_is_a_400()
    {
        using var http = server.CreateClient();
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/dashboard/tail")).StatusCode);
    }

    [Theory]
    [InlineData("/dashboard/events")]
    [InlineData("/dashboard/tail?filter=%23")]
    [InlineData("/dashboard/dashboard.js")]
    [InlineData("/dashboard/dashboard.css")]
    public async Task Everything_the_dashboard_maps_answers_401_without_the_key(string path)
    {
        using var http = server.CreateClient(withKey: false);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(path)).StatusCode);

        using var wrong = server.CreateClient(withKey: false);
        wrong.DefaultRequestHeaders.Add("X-Api-Key", "not-the-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync(path)).StatusCode);
    }

    [Theory]
    [InlineData("/dashboard")]
    [InlineData("/dashboard/")]
    public async Task The_page_without_the_key_is_a_401_carrying_the_sign_in_form(string path)
    {
        using var http = server.CreateClient(withKey: false);
        var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("id=\"signin\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("dashboard.js", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_in_turns_a_good_key_into_a_cookie_that_opens_the_page_and_the_streams()
    {
        using var http = server.CreateClient(withKey: false);
        using var wrong = new HttpRequestMessage(HttpMethod.Post, "/dashboard/session") { Headers = { { "X-Api-Key", "not-the-key" } } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);

        using var signIn = new HttpRequestMessage(HttpMethod.Post, "/dashboard/session") { Headers = { { "X-Api-Key", DashboardServerFixture.ApiKey } } };
        var signedIn = await http.SendAsync(signIn);
        Assert.Equal(HttpStatusCode.NoContent, signedIn.StatusCode);
        var setCookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith($"gmqtt-api-key={DashboardServerFixture.ApiKey};", setCookie, StringComparison.Ordinal);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);

        using var page = new HttpRequestMessage(HttpMethod.Get, "/dashboard/") { Headers = { { "Cookie", $"gmqtt-api-key={DashboardServerFixture.ApiKey}" } } };
        var response = await http.SendAsync(page);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("dashboard.js", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var events = new HttpRequestMessage(HttpMethod.Get, "/dashboard/events") { Headers = { { "Cookie", $"gmqtt-api-key={DashboardServerFixture.ApiKey}" } } };
        using var stream = await http.SendAsync(events, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
    }

    [Theory]
    [InlineData("/dashboard/", "text/html")]
    [InlineData("/dashboard/dashboard.js", "text/javascript")]
    [InlineData("/dashboard/dashboard.css", "text/css")]
    [InlineData("/dashboard/favicon.svg", "image/svg+xml")]
    public async Task Page_and_files_are_served_from_the_assembly_with_their_content_types(string path, string mediaType)
    {
        using var http = server.CreateClient();
        var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());
        Assert.Contains("nosniff", response.Headers.GetValues("X-Content-Type-Options"));
    }

    [Fact]
    public async Task The_page_points_at_the_admin_API_and_allows_nothing_from_another_origin()
    {
        using var http = server.CreateClient();
        var response = await http.GetAsync("/dashboard");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Contains("<base href=\"/dashboard/\">", html, StringComparison.Ordinal);
        Assert.Contains("<meta name=\"gmqtt-admin\" content=\"/api/v1\">", html, StringComparison.Ordinal);
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("http", html.Replace("http://www.w3.org", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_file_is_revalidated_by_its_ETag()
    {
        using var http = server.CreateClient();
        var first = await http.GetAsync("/dashboard/dashboard.js");
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);

        using var again = new HttpRequestMessage(HttpMethod.Get, "/dashboard/dashboard.js");
        again.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await http.SendAsync(again)).StatusCode);
    }
}
