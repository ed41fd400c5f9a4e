namespace Gmqtt.Samples.Hooks;

/// <summary><c>Hooks:Users</c>: user name → password, e.g. <c>Hooks:Users:alice=secret</c>.</summary>
internal sealed class UserPasswordAuthOptions
{
    /// <summary>The users and their passwords, in memory. A real deployment stores hashes (see samples/Gmqtt.Server).</summary>
    public Dictionary<string, string> Users { get; set; } = new(StringComparer.Ordinal);
}
