using System.Net;
using Gmqtt.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Gmqtt.AspNetCore.Tests.Dashboard;

/// <summary>The dashboard in an application of the test's own making: registration errors and the tail limit.</summary>
public class DashboardHostingTests
{
    [Fact]
    public async Task MapGmqttDashboard_without_AddDashboard_says_what_is_missing()
    {
        await using var app = new TestApp();
        app.Builder.Services.AddGmqtt();
        app.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.App.MapGmqttDashboard());
        Assert.Contains("AddDashboard()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tails_beyond_the_limit_are_refused_with_429_until_one_closes()
    {
        await using var app = new TestApp();
        var http = app.Listen(_ => { });
        app.Builder.Services.AddGmqtt().AddDashboard(o => o.MaxTails = 2);
        await app.StartAsync(a => a.MapGmqttDashboard()); // No authorization: this application opens it to anyone.
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{app.Port(http)}") };

        var first = await SseStream.OpenAsync(client, "/dashboard/tail?filter=a");
        await using var second = await SseStream.OpenAsync(client, "/dashboard/tail?filter=b");
        Assert.Equal("ready", (await first.NextAsync()).EventType);
        Assert.Equal("ready", (await second.NextAsync()).EventType);

        var refused = await client.GetAsync("/dashboard/tail?filter=c");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);

        // The closed tail's slot is freed once the server sees its request end: poll with a deadline.
        await first.DisposeAsync();
        var deadline = DateTime.UtcNow + MqttnetClient.Timeout;
        while (true)
        {
            await using var again = await SseStream.OpenAsync(client, "/dashboard/tail?filter=c");
            if (again.Response.StatusCode == HttpStatusCode.OK)
            {
                Assert.Equal("ready", (await again.NextAsync()).EventType);
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, "The closed tail's slot was never freed.");
        }
    }
}
