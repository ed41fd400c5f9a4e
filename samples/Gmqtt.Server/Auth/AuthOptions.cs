namespace Gmqtt.Server.Auth;

/// <summary><c>Gmqtt:Auth</c>: users with hashed passwords, like Mosquitto's password file. Off by default.</summary>
public sealed class AuthOptions
{
    /// <summary>Check user names and passwords.</summary>
    public bool Enabled { get; set; }

    /// <summary>Let clients without a user name in (when <see cref="Enabled"/>).</summary>
    public bool AllowAnonymous { get; set; } = true;

    /// <summary>The users. Make a hash with <c>dotnet run --project samples/Gmqtt.Server -- hash-password SECRET</c>.</summary>
    public List<UserEntry> Users { get; set; } = [];
}

/// <summary>One user.</summary>
public sealed class UserEntry
{
    /// <summary>The user name.</summary>
    public string UserName { get; set; } = "";

    /// <summary>An ASP.NET Core Identity password hash (PBKDF2).</summary>
    public string PasswordHash { get; set; } = "";
}
