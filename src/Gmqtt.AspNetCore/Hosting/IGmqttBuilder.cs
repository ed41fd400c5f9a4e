using Microsoft.Extensions.DependencyInjection;

namespace Gmqtt.AspNetCore.Hosting;

/// <summary>
/// Returned by <c>AddGmqtt()</c> to add hooks (<c>AddHook</c>) and to replace the in-memory stores
/// (<c>AddRetainedMessageStore</c>, <c>AddSessionStore</c>).
/// </summary>
public interface IGmqttBuilder
{
    /// <summary>The application's services.</summary>
    IServiceCollection Services { get; }
}
