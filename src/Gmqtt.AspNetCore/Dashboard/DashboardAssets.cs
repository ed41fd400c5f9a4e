using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace Gmqtt.AspNetCore.Dashboard;

/// <summary>The page's files, embedded in the assembly (no CDN, nothing fetched at run time) and read once.</summary>
internal static class DashboardAssets
{
    private const string Prefix = "Gmqtt.Dashboard.";

    private static readonly FrozenDictionary<string, Asset> Assets = Load();

    /// <summary>An embedded file with its content type and a strong ETag (its content hash) for revalidation.</summary>
    public sealed record Asset(string Name, byte[] Content, string ContentType, EntityTagHeaderValue ETag)
    {
        public string Text => System.Text.Encoding.UTF8.GetString(Content);
    }

    /// <summary>The files served as they are, under the dashboard's path.</summary>
    public static IEnumerable<Asset> Static => Assets.Values.Where(a => a.Name is not ("index.html" or "signin.html"));

    public static Asset Get(string name) => Assets[name];

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var name = resource[Prefix.Length..];
            var etag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 8))}\"");
            assets[name] = new Asset(name, content, ContentType(name), etag);
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };
}
