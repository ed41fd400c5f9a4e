using System.Security.Cryptography;
using Gmqtt.AspNetCore.Admin;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Gmqtt.Server.Admin;

/// <summary>The sample's admin wiring: the "ApiKey" scheme, the "GmqttAdmin" policy and Swagger.</summary>
internal static class AdminSetup
{
    /// <summary>The policy that guards the admin API (and the dashboard).</summary>
    public const string PolicyName = "GmqttAdmin";

    /// <summary>Registers options, authentication, authorization and Swagger; returns the options as configured.</summary>
    public static AdminOptions AddAdmin(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Gmqtt:Admin");
        var admin = section.Get<AdminOptions>() ?? new AdminOptions();
        var options = builder.Services.AddOptions<AdminOptions>().Bind(section);
        if (builder.Environment.IsDevelopment())
        {
            // One key per run, kept across configuration reloads; logged at start (LogStarted).
            var generated = RandomNumberGenerator.GetHexString(32, lowercase: true);
            options.PostConfigure(o => o.ApiKey = string.IsNullOrEmpty(o.ApiKey) ? generated : o.ApiKey);
        }

        options
            .Validate(
                o => !o.Enabled || !o.RequireApiKey || !string.IsNullOrEmpty(o.ApiKey),
                "Gmqtt:Admin:ApiKey is empty, and the admin API refuses to run without a key. Set one (for example the " +
                "environment variable Gmqtt__Admin__ApiKey=<a long random string>), or set Gmqtt:Admin:Enabled=false to " +
                "leave the admin API out, or Gmqtt:Admin:RequireApiKey=false to serve it without authentication.")
            .ValidateOnStart();

        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder().AddPolicy(PolicyName, policy =>
        {
            if (admin.RequireApiKey)
            {
                policy.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser();
            }
            else
            {
                policy.RequireAssertion(_ => true);
            }
        });

        builder.Services.AddEndpointsApiExplorer();
        builder.Services.AddSwaggerGen(swagger =>
        {
            swagger.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "Gmqtt admin API",
                Version = "v1",
                Description = "Clients, sessions, subscriptions, publish and retained messages of the Gmqtt broker.",
            });
            swagger.AddSecurityDefinition(ApiKeyAuthenticationHandler.SchemeName, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyAuthenticationHandler.HeaderName,
                Description = "The key from Gmqtt:Admin:ApiKey.",
            });
            swagger.OperationFilter<ApiKeyOperationFilter>();
            swagger.SupportNonNullableReferenceTypes();
            swagger.IncludeXmlComments(typeof(AdminClient).Assembly);
        });
        return admin;
    }

    /// <summary>Logs where the admin API is and how to call it; warns when it is open or its key was generated.</summary>
    public static void LogStarted(this WebApplication app, AdminOptions configured)
    {
        if (!configured.Enabled)
        {
            app.Logger.LogInformation("Admin API disabled (Gmqtt:Admin:Enabled=false)");
            return;
        }

        app.Logger.LogInformation("Admin API at /api/v1, Swagger UI at /swagger");
        if (!configured.RequireApiKey)
        {
            app.Logger.LogWarning("The admin API requires no key (Gmqtt:Admin:RequireApiKey=false): anyone who reaches the HTTP endpoint can disconnect clients and publish");
        }
        else if (string.IsNullOrEmpty(configured.ApiKey))
        {
            var key = app.Services.GetRequiredService<IOptions<AdminOptions>>().Value.ApiKey;
            app.Logger.LogWarning("No Gmqtt:Admin:ApiKey configured: this Development run uses the generated key {ApiKey} (send it as X-Api-Key)", key);
        }
    }
}
