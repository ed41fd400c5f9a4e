using Gmqtt.Samples.Hooks;

await Program.Build(args).RunAsync();

/// <summary>An existing ASP.NET Core web app that also serves MQTT, with gmqtt's hook examples as DI services.</summary>
public partial class Program
{
    /// <summary>
    /// Builds the app: the web app and MQTT over WebSocket (<c>/mqtt</c>) on the <c>Http</c> endpoint, MQTT over TCP on
    /// the <c>Mqtt</c> endpoint. <paramref name="configure"/> runs first, so tests can add configuration or services.
    /// </summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        // Kestrel endpoints come from configuration (Kestrel:Endpoints:Mqtt:Url, Kestrel:Endpoints:Http:Url); the one
        // named "Mqtt" speaks MQTT only.
        var endpoints = new SampleEndpoints();
        builder.Services.AddSingleton(endpoints);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Configure(builder.Configuration.GetSection("Kestrel"))
            .Endpoint("Mqtt", endpoint => (endpoints.Mqtt = endpoint.ListenOptions).UseMqtt())
            .Endpoint("Http", endpoint => endpoints.Http = endpoint.ListenOptions));

        // The hooks' settings, from the "Hooks" section.
        var hooks = builder.Configuration.GetSection("Hooks");
        builder.Services.Configure<UserPasswordAuthOptions>(hooks);
        builder.Services.AddOptions<AcceptFilterOptions>().Bind(hooks.GetSection("AcceptFilter")).ValidateDataAnnotations().ValidateOnStart();

        // The broker and its hooks, which run in the order they are added.
        builder.Services.AddGmqtt(builder.Configuration.GetSection("Gmqtt"))
            .AddHook<AcceptFilterHook>()
            .AddHook<UserPasswordAuthHook>()
            .AddHook<RootAclHook>();

        var app = builder.Build();
        app.UseWebSockets();
        app.MapGet("/", () => "A web app that also speaks MQTT: TCP on the Mqtt endpoint, WebSocket at /mqtt.");
        app.MapMqtt("/mqtt");
        return app;
    }
}
