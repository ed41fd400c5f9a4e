using System.Net;

namespace Gmqtt.AspNetCore.Tests.Dashboard;

/// <summary>The sample broker with a known admin API key, for the dashboard's tests.</summary>
public sealed class DashboardServerFixture : ServerFixture
{
    public const string ApiKey = "dashboard-test-key";

    public DashboardServerFixture() => ExtraArgs = [$"--Gmqtt:Admin:ApiKey={ApiKey}"];

    public Uri BaseAddress => new($"http://127.0.0.1:{Endpoints.HttpPort}");

    /// <summary>An HTTP client for the sample's HTTP endpoint, with the key in the X-Api-Key header or without it.</summary>
    public HttpClient CreateClient(bool withKey = true)
    {
        var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        if (withKey)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        }

        return client;
    }

    /// <summary>The sign-in cookie, as the dashboard's sign-in sets it, for a browser context.</summary>
    public Cookie KeyCookie => new("gmqtt-api-key", ApiKey, "/", "127.0.0.1");
}
