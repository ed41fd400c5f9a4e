using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Gmqtt.Server.Auth;

/// <summary>Checks user names and PBKDF2 password hashes from <c>Gmqtt:Auth</c>.</summary>
internal sealed class ConfigurationAuthHook(IOptionsMonitor<AuthOptions> options) : IMqttHook
{
    private static readonly PasswordHasher<string> Hasher = new();

    public ValueTask OnConnectAsync(MqttConnectContext context)
    {
        var auth = options.CurrentValue;
        if (!auth.Enabled)
        {
            return ValueTask.CompletedTask;
        }

        if (context.UserName is null)
        {
            if (!auth.AllowAnonymous)
            {
                context.ReasonCode = MqttReasonCode.NotAuthorized;
            }

            return ValueTask.CompletedTask;
        }

        var user = auth.Users.Find(u => u.UserName == context.UserName);
        var password = context.Password is { } bytes ? System.Text.Encoding.UTF8.GetString(bytes.Span) : "";
        if (user is null || Hasher.VerifyHashedPassword(user.UserName, user.PasswordHash, password) == PasswordVerificationResult.Failed)
        {
            context.ReasonCode = MqttReasonCode.BadUserNameOrPassword;
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The hash stored in configuration for <paramref name="password"/>.</summary>
    public static string HashPassword(string password) => Hasher.HashPassword("", password);
}
