using System.Net;
using Gmqtt.Server.Admin;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gmqtt.AspNetCore.Tests.Admin;

/// <summary>How the sample starts (or refuses to) with each <c>Gmqtt:Admin</c> setting.</summary>
public class AdminStartupTests
{
    [Fact]
    public async Task An_empty_key_refuses_start_with_a_message_naming_the_setting_and_the_ways_out()
    {
        var server = new ServerFixture { ExtraArgs = ["--Gmqtt:Admin:ApiKey=", "--environment=Production"] };

        var failure = await Assert.ThrowsAnyAsync<Exception>(server.InitializeAsync);

        Assert.Contains("Gmqtt:Admin:ApiKey", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Gmqtt:Admin:Enabled=false", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Gmqtt:Admin:RequireApiKey=false", failure.Message, StringComparison.Ordinal);
        await server.App.DisposeAsync();
    }

    [Fact]
    public async Task Disabled_admin_API_starts_without_a_key_and_maps_no_admin_route()
    {
        await using var server = await StartAsync("--Gmqtt:Admin:ApiKey=", "--Gmqtt:Admin:Enabled=false");
        using var http = Http(server, apiKey: null);

        await AdminAssert.ProblemAsync(await http.GetAsync("overview"), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/swagger/v1/swagger.json")).StatusCode);
    }

    [Fact]
    public async Task RequireApiKey_false_serves_the_admin_API_without_a_key()
    {
        await using var server = await StartAsync("--Gmqtt:Admin:ApiKey=", "--Gmqtt:Admin:RequireApiKey=false");
        using var http = Http(server, apiKey: null);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("overview")).StatusCode);
    }

    [Fact]
    public async Task Development_without_a_key_generates_one_for_the_run()
    {
        await using var server = await StartAsync("--Gmqtt:Admin:ApiKey=", "--environment=Development");
        var key = server.App.Services.GetRequiredService<IOptions<AdminOptions>>().Value.ApiKey;

        Assert.True(key.Length >= 32, $"generated key '{key}' is too short");
        using var anonymous = Http(server, apiKey: null);
        using var keyed = Http(server, key);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("overview")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await keyed.GetAsync("overview")).StatusCode);
    }

    private static async Task<AsyncFixture> StartAsync(params string[] args)
    {
        var server = new AsyncFixture { ExtraArgs = args };
        await server.InitializeAsync();
        return server;
    }

    private static HttpClient Http(ServerFixture server, string? apiKey) => AdminServerFactory.CreateHttp(server.Endpoints.HttpPort, apiKey);

    private sealed class AsyncFixture : ServerFixture, IAsyncDisposable
    {
        ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());
    }
}
