using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gmqtt.AspNetCore.Tests.Infrastructure;

namespace Gmqtt.AspNetCore.Tests.Admin;

/// <summary>The sample's API key on every admin route, and Swagger served without one.</summary>
public class AdminAuthTests(AdminServerFactory server) : IClassFixture<AdminServerFactory>
{
    /// <summary>Every admin route (method, path relative to /api/v1/).</summary>
    public static TheoryData<string, string> Routes => new()
    {
        { "GET", "overview" },
        { "GET", "stats/history" },
        { "GET", "clients" },
        { "GET", "clients/c1" },
        { "DELETE", "clients/c1" },
        { "GET", "sessions" },
        { "GET", "sessions/c1" },
        { "GET", "subscriptions" },
        { "GET", "clients/c1/subscriptions" },
        { "POST", "clients/c1/subscriptions" },
        { "DELETE", "clients/c1/subscriptions?filter=a" },
        { "POST", "publish" },
        { "GET", "retained" },
        { "GET", "retained/a/b" },
        { "DELETE", "retained/a/b" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Every_admin_route_answers_401_problem_without_a_key_and_with_a_wrong_one(string method, string path)
    {
        foreach (var key in new[] { null, "wrong-key", AdminServerFactory.ApiKey + "x" })
        {
            using var http = server.Http(key);
            using var response = await http.SendAsync(Request(method, path));

            await AdminAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.Equal("ApiKey", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        }
    }

    [Fact]
    public async Task The_right_key_is_accepted()
    {
        using var http = server.Http();
        using var response = await http.GetAsync("overview");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_key_cookie_authenticates_GET_requests_only()
    {
        // EventSource cannot send headers, so the cookie serves GETs; a POST must carry the header, or any web page
        // could make a browser holding the cookie publish (cross-site request forgery).
        using var http = server.Http(apiKey: null);
        using var get = Request("GET", "overview");
        get.Headers.Add("Cookie", $"gmqtt-api-key={AdminServerFactory.ApiKey}");
        using var post = Request("POST", "publish");
        post.Headers.Add("Cookie", $"gmqtt-api-key={AdminServerFactory.ApiKey}");
        using var wrong = Request("GET", "overview");
        wrong.Headers.Add("Cookie", "gmqtt-api-key=wrong-key");

        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(get)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(post)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);
    }

    [Fact]
    public async Task Swagger_document_is_anonymous_and_lists_every_admin_route_with_the_key_scheme()
    {
        using var http = server.Http(apiKey: null);
        var document = await http.GetFromJsonAsync<JsonElement>("/swagger/v1/swagger.json");

        var paths = document.GetProperty("paths");
        foreach (var (method, path) in Routes.Select(r => ((string)r[0], (string)r[1])))
        {
            var template = "/api/v1/" + path.Split('?')[0].Replace("c1", "{clientId}", StringComparison.Ordinal).Replace("retained/a/b", "retained/{topic}", StringComparison.Ordinal);
            Assert.True(paths.TryGetProperty(template, out var item), $"{template} is missing from the document.");
            var operation = item.GetProperty(method.ToLowerInvariant());
            Assert.StartsWith("Gmqtt", operation.GetProperty("operationId").GetString(), StringComparison.Ordinal);
            Assert.Equal("Gmqtt", operation.GetProperty("tags")[0].GetString());
            Assert.True(operation.GetProperty("security")[0].TryGetProperty("ApiKey", out _), $"{method} {template} does not ask for the key.");
            Assert.True(operation.GetProperty("responses").TryGetProperty("401", out _));
        }

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("apiKey", scheme.GetProperty("type").GetString());
        Assert.Equal("header", scheme.GetProperty("in").GetString());
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());

        // Problem details are declared where the route can answer them.
        var getClient = paths.GetProperty("/api/v1/clients/{clientId}").GetProperty("get").GetProperty("responses");
        Assert.True(getClient.GetProperty("404").GetProperty("content").TryGetProperty("application/problem+json", out _));
        var publish = paths.GetProperty("/api/v1/publish").GetProperty("post").GetProperty("responses");
        Assert.True(publish.GetProperty("400").GetProperty("content").TryGetProperty("application/problem+json", out _));
    }

    [Fact]
    public async Task Swagger_UI_is_served_anonymously_at_swagger()
    {
        using var http = server.Http(apiKey: null);
        using var response = await http.GetAsync("/swagger/index.html");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("swagger-ui", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/swagger/swagger-ui-bundle.js")).StatusCode); // embedded, no CDN
    }

    private static HttpRequestMessage Request(string method, string path) => new(new HttpMethod(method), path)
    {
        Content = method == "POST" ? JsonContent.Create(new { topic = "a/b", filter = "a/b" }) : null,
    };
}
