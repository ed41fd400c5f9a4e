using Gmqtt.AspNetCore.Hosting;
using Gmqtt.Storage.Sqlite;

namespace Gmqtt.Server;

/// <summary>
/// The sample's session store, from <c>Gmqtt:Storage</c>: <c>Provider</c> <c>Sqlite</c> (default: sessions, queued
/// messages and retained messages survive a restart or a crash) or <c>InMemory</c>; <c>Path</c> (default
/// <c>data/gmqtt.db</c> under the content root); <c>Durability</c> <c>Commit</c> (default), <c>Fsync</c> or
/// <c>Periodic</c>; <c>CommitInterval</c> for <c>Periodic</c>.
/// </summary>
internal static class StorageSetup
{
    public static void AddStorage(this WebApplicationBuilder builder, IGmqttBuilder broker)
    {
        var storage = builder.Configuration.GetSection("Gmqtt:Storage");
        var provider = storage["Provider"] ?? "Sqlite";
        if (provider.Equals("InMemory", StringComparison.OrdinalIgnoreCase))
        {
            return; // AddGmqtt's default.
        }

        if (!provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Gmqtt:Storage:Provider is '{provider}'; use 'Sqlite' (the default) or 'InMemory'.");
        }

        broker.AddSqliteStorage();
        builder.Services.Configure<SqliteStorageOptions>(storage);
    }
}
