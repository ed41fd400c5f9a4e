using Gmqtt;
using Gmqtt.AspNetCore.Hosting;
using Gmqtt.AspNetCore.Statistics;
using Gmqtt.Hooks;
using Gmqtt.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Gmqtt broker.</summary>
public static class GmqttServiceCollectionExtensions
{
    /// <summary>
    /// Adds the broker, its options (bound from <paramref name="configuration"/> when given, validated at start),
    /// the in-memory stores, graceful stop with the host, the statistics history the admin API reports rates from,
    /// and ASP.NET Core's problem details service (<c>AddProblemDetails()</c>), with which the admin API's errors and
    /// <c>UseExceptionHandler()</c> / <c>UseStatusCodePages()</c> answer in RFC 9457 form.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configuration">Usually <c>builder.Configuration.GetSection("Gmqtt")</c>.</param>
    /// <param name="configure">Applied after the configuration.</param>
    public static IGmqttBuilder AddGmqtt(this IServiceCollection services, IConfiguration? configuration = null, Action<MqttBrokerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<MqttBrokerOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        // Bad values fail start-up with a message that names the option.
        options.ValidateDataAnnotations().ValidateOnStart();

        services.TryAddSingleton<GmqttMarkerService>();
        services.AddMetrics(); // IMeterFactory for the "Gmqtt" meter (hosts add it too; idempotent).
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IMqttRetainedMessageStore, InMemoryRetainedMessageStore>();
        services.TryAddSingleton<IMqttSessionStore, InMemorySessionStore>();
        services.TryAddSingleton<MqttBroker>();
        services.TryAddSingleton<MqttConnectionHandler>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, GmqttHostedService>());
        services.TryAddSingleton<GmqttStatisticsHistory>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, GmqttStatisticsSampler>());
        services.AddProblemDetails();
        return new GmqttBuilder(services);
    }

    /// <summary>Adds a hook resolved from DI; hooks run in the order they are added.</summary>
    public static IGmqttBuilder AddHook<THook>(this IGmqttBuilder builder)
        where THook : class, IMqttHook
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<THook>();
        builder.Services.AddSingleton<IMqttHook>(sp => sp.GetRequiredService<THook>());
        return builder;
    }

    /// <summary>Adds a hook instance; hooks run in the order they are added.</summary>
    public static IGmqttBuilder AddHook(this IGmqttBuilder builder, IMqttHook hook)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(hook);
        builder.Services.AddSingleton(hook);
        return builder;
    }

    /// <summary>
    /// Replaces the in-memory retained message store with <typeparamref name="TStore"/>, a singleton resolved from DI.
    /// A type added as both stores is one instance.
    /// </summary>
    public static IGmqttBuilder AddRetainedMessageStore<TStore>(this IGmqttBuilder builder)
        where TStore : class, IMqttRetainedMessageStore => builder.ReplaceStore<IMqttRetainedMessageStore, TStore>();

    /// <summary>Replaces the in-memory retained message store with <paramref name="store"/>.</summary>
    public static IGmqttBuilder AddRetainedMessageStore(this IGmqttBuilder builder, IMqttRetainedMessageStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return builder.ReplaceStore(ServiceDescriptor.Singleton(store));
    }

    /// <summary>Replaces the in-memory retained message store with the singleton <paramref name="factory"/> creates.</summary>
    public static IGmqttBuilder AddRetainedMessageStore(this IGmqttBuilder builder, Func<IServiceProvider, IMqttRetainedMessageStore> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return builder.ReplaceStore(ServiceDescriptor.Singleton(factory));
    }

    /// <summary>
    /// Replaces the in-memory session store with <typeparamref name="TStore"/>, a singleton resolved from DI.
    /// A type added as both stores is one instance.
    /// </summary>
    public static IGmqttBuilder AddSessionStore<TStore>(this IGmqttBuilder builder)
        where TStore : class, IMqttSessionStore => builder.ReplaceStore<IMqttSessionStore, TStore>();

    /// <summary>Replaces the in-memory session store with <paramref name="store"/>.</summary>
    public static IGmqttBuilder AddSessionStore(this IGmqttBuilder builder, IMqttSessionStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return builder.ReplaceStore(ServiceDescriptor.Singleton(store));
    }

    /// <summary>Replaces the in-memory session store with the singleton <paramref name="factory"/> creates.</summary>
    public static IGmqttBuilder AddSessionStore(this IGmqttBuilder builder, Func<IServiceProvider, IMqttSessionStore> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return builder.ReplaceStore(ServiceDescriptor.Singleton(factory));
    }

    /// <summary>
    /// <typeparamref name="TStore"/> is registered as itself and the store service forwards to it, so a type that
    /// implements both store interfaces is one instance.
    /// </summary>
    private static IGmqttBuilder ReplaceStore<TService, TStore>(this IGmqttBuilder builder)
        where TService : class
        where TStore : class, TService
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<TStore>();
        return builder.ReplaceStore(ServiceDescriptor.Singleton<TService>(sp => sp.GetRequiredService<TStore>()));
    }

    /// <summary>AddGmqtt registered the default with TryAdd; this takes its place (a store registered before AddGmqtt too).</summary>
    private static IGmqttBuilder ReplaceStore(this IGmqttBuilder builder, ServiceDescriptor store)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(store);
        return builder;
    }
}
