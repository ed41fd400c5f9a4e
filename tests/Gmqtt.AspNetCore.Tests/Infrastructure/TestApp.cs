using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gmqtt.AspNetCore.Tests.Infrastructure;

/// <summary>
/// A small ASP.NET Core app of the test's own making on 127.0.0.1 port 0: Kestrel endpoints are added by the
/// test (<see cref="Listen"/>), their bound ports are known after start.
/// </summary>
internal sealed class TestApp : IAsyncDisposable
{
    private readonly List<ListenOptions> _endpoints = [];

    public TestApp(string[]? args = null)
    {
        Builder = WebApplication.CreateBuilder(args ?? []);
        Builder.Logging.SetMinimumLevel(LogLevel.Warning);

        // The sample's appsettings.json is copied next to the tests; its Kestrel endpoints are not this app's.
        foreach (var json in Builder.Configuration.Sources.OfType<Microsoft.Extensions.Configuration.Json.JsonConfigurationSource>().ToList())
        {
            Builder.Configuration.Sources.Remove(json);
        }
    }

    public WebApplicationBuilder Builder { get; }

    public WebApplication App { get; private set; } = null!;

    /// <summary>Adds an endpoint on 127.0.0.1 port 0; returns its index for <see cref="Port"/>.</summary>
    public int Listen(Action<ListenOptions> configure)
    {
        var index = _endpoints.Count;
        _endpoints.Add(null!);
        Builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, options =>
        {
            _endpoints[index] = options;
            configure(options);
        }));
        return index;
    }

    public int Port(int endpoint) => _endpoints[endpoint].IPEndPoint!.Port;

    public WebApplication Build(Action<WebApplication>? pipeline = null)
    {
        App = Builder.Build();
        pipeline?.Invoke(App);
        return App;
    }

    public async Task StartAsync(Action<WebApplication>? pipeline = null)
    {
        Build(pipeline);
        await App.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (App is not null)
        {
            await App.StopAsync().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await App.DisposeAsync();
        }
    }
}
