using System.Security.Cryptography;
using System.Text;
using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Microsoft.Extensions.Options;

namespace Gmqtt.Samples.Hooks;

/// <summary>
/// Authenticates CONNECT against the users of <c>Hooks:Users</c> (gmqtt's username/password example).
/// A client without a user name is refused with <see cref="MqttReasonCode.NotAuthorized"/>; an unknown user or a
/// wrong password with <see cref="MqttReasonCode.BadUserNameOrPassword"/> (MQTT 3.x clients see return codes 5 and 4).
/// </summary>
/// <remarks>
/// Passwords are compared in constant time: both sides are hashed to a fixed length first, so neither the
/// content nor the length of the stored password leaks through timing, and an unknown user costs the same as a
/// known one with a wrong password.
/// </remarks>
internal sealed class UserPasswordAuthHook(IOptionsMonitor<UserPasswordAuthOptions> options) : IMqttHook
{
    /// <summary>Compared against when the user does not exist, so that the answer takes the same time.</summary>
    private static readonly byte[] NoSuchUser = RandomNumberGenerator.GetBytes(SHA256.HashSizeInBytes);

    /// <inheritdoc />
    public ValueTask OnConnectAsync(MqttConnectContext context)
    {
        if (context.UserName is not { } userName)
        {
            context.ReasonCode = MqttReasonCode.NotAuthorized;
            return ValueTask.CompletedTask;
        }

        Span<byte> expected = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
        var known = options.CurrentValue.Users.TryGetValue(userName, out var password);
        if (known)
        {
            SHA256.HashData(Encoding.UTF8.GetBytes(password!), expected);
        }
        else
        {
            NoSuchUser.CopyTo(expected);
        }

        SHA256.HashData(context.Password is { } given ? given.Span : default, actual);
        if (!CryptographicOperations.FixedTimeEquals(expected, actual) || !known)
        {
            context.ReasonCode = MqttReasonCode.BadUserNameOrPassword;
        }

        return ValueTask.CompletedTask;
    }
}
