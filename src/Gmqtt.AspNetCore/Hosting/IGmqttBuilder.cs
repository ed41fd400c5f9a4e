using Microsoft.Extensions.DependencyInjection;

namespace Gmqtt.AspNetCore.Hosting;

/// <summary>Returned by <c>AddGmqtt()</c> to add hooks and stores.</summary>
public interface IGmqttBuilder
{
    /// <summary>The application's services.</summary>
    IServiceCollection Services { get; }
}
