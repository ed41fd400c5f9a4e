using Gmqtt.AspNetCore.Hosting;
using Gmqtt.Storage;
using Gmqtt.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the embedded SQLite session store to the broker.</summary>
public static class GmqttSqliteBuilderExtensions
{
    /// <summary>
    /// Keeps sessions, queued and in-flight messages, inbound QoS 2 identifiers, wills and retained messages in a
    /// SQLite database, loaded at start: a restart or a kill -9 loses no acknowledged message (with the default
    /// <see cref="MqttStoreDurability.Commit"/>).
    /// </summary>
    /// <param name="builder">The builder <c>AddGmqtt()</c> returned.</param>
    /// <param name="configure">Sets the file, the durability mode and the commit interval.</param>
    public static IGmqttBuilder AddSqliteStorage(this IGmqttBuilder builder, Action<SqliteStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<SqliteStorageOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddSingleton<SqliteSessionStore>();
        builder.Services.Replace(ServiceDescriptor.Singleton<IMqttSessionStore>(sp => sp.GetRequiredService<SqliteSessionStore>()));
        return builder;
    }
}
