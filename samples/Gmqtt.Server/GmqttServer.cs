using Gmqtt.Server.Admin;
using Gmqtt.Server.Auth;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using OpenTelemetry.Metrics;

namespace Gmqtt.Server;

/// <summary>Builds the ready-to-run broker; tests build it the same way on port 0.</summary>
public static class GmqttServer
{
    /// <summary>Creates the application: MQTT on the <c>Mqtt</c> endpoint, TLS on <c>MqttTls</c>, HTTP + WebSocket on <c>Http</c>.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        var kestrel = builder.Configuration.GetSection("Kestrel");
        var endpoints = new ServerEndpoints();
        builder.Services.AddSingleton(endpoints);
        builder.WebHost.ConfigureKestrel(k => k.Configure(kestrel)
            .Endpoint("Mqtt", e => (endpoints.Mqtt = e.ListenOptions).UseMqtt())
            .Endpoint("MqttTls", e =>
            {
                endpoints.MqttTls = e.ListenOptions;
                // Kestrel would add TLS after this callback, in front of a terminal UseMqtt(): add it here instead.
                if (e.HttpsOptions.ServerCertificate is null)
                {
                    var port = (e.ListenOptions.EndPoint as System.Net.IPEndPoint)?.Port ?? 0;
                    e.HttpsOptions.ServerCertificate = SelfSignedCertificate.CreateAndExport(port, out var pem);
                    endpoints.SelfSignedCertificatePem = pem;
                }

                e.ListenOptions.UseHttps(e.HttpsOptions);
                e.ListenOptions.UseMqtt();
            })
            .Endpoint("Http", e => (endpoints.Http = e.ListenOptions).Protocols = HttpProtocols.Http1));

        var gmqtt = builder.Configuration.GetSection("Gmqtt");
        builder.Services.Configure<AuthOptions>(gmqtt.GetSection("Auth"));
        builder.Services.Configure<AclOptions>(gmqtt.GetSection("Acl"));
        var broker = builder.Services.AddGmqtt(gmqtt)
            .AddHook<ConfigurationAuthHook>()
            .AddHook<ConfigurationAclHook>();
        builder.AddStorage(broker);
        var admin = builder.AddAdmin();
        if (admin.Enabled)
        {
            // After the hooks: the dashboard's live tail shows what auth and ACL let through. Left out with the admin
            // API, so a broker without them runs no tail hook at all.
            broker.AddDashboard();
        }

        // Operations: /health (broker, listeners, storage) and /metrics (the "Gmqtt" meter for Prometheus).
        builder.Services.AddHealthChecks().AddGmqtt();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter("Gmqtt")
            .AddPrometheusExporter());

        var app = builder.Build();
        // A request the endpoint cannot bind (?page=abc, bad JSON) is the client's error: 400 rather than 500 in Development too.
        app.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = e => e is Microsoft.AspNetCore.Http.BadHttpRequestException bad ? bad.StatusCode : 500 });
        app.UseStatusCodePages(); // Bodiless errors (401, a 400 from binding) become problem details too.
        app.UseWebSockets();
        app.UseSwagger();
        app.UseSwaggerUI();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapMqtt("/mqtt");
        if (admin.Enabled)
        {
            app.MapGmqttAdmin("/api/v1").RequireAuthorization(AdminSetup.PolicyName);
            app.MapGmqttDashboard("/dashboard", adminApiPrefix: "/api/v1").RequireAuthorization(AdminSetup.PolicyName);
        }

        app.MapGet("/", () => "Gmqtt broker: MQTT over WebSocket at /mqtt, admin API at /api/v1, Swagger UI at /swagger, dashboard at /dashboard, /health, /metrics.");

        // Anonymous, as scrapers and load balancers expect; add .RequireAuthorization(...) to either to protect it.
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthResponse.WriteAsync });
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            foreach (var (name, serves) in new[] { ("Mqtt", "MQTT over TCP"), ("MqttTls", "MQTT over TLS"), ("Http", "HTTP: MQTT over WebSocket at /mqtt, /api/v1, /swagger, /dashboard, /health, /metrics") })
            {
                if (kestrel[$"Endpoints:{name}:Url"] is { } url)
                {
                    app.Logger.LogInformation("{Serves}: {Url}", serves, url);
                }
            }

            if (endpoints.SelfSignedCertificatePem is { } pem)
            {
                app.Logger.LogInformation("TLS uses a self-signed certificate for local use; its PEM (for --cafile) is {Path}", pem);
            }

            app.LogStarted(admin);
        });
        return app;
    }
}
