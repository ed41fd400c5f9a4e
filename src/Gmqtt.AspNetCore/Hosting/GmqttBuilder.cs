using Microsoft.Extensions.DependencyInjection;

namespace Gmqtt.AspNetCore.Hosting;

internal sealed class GmqttBuilder(IServiceCollection services) : IGmqttBuilder
{
    public IServiceCollection Services { get; } = services;
}
