using Microsoft.Extensions.Hosting;

namespace Gmqtt.AspNetCore.Hosting;

/// <summary>
/// Stops the broker with the host: registered after the web server, it is stopped before it, so clients are
/// disconnected (and their close hooks run) while the host's shutdown timeout still applies.
/// </summary>
internal sealed class GmqttHostedService(MqttBroker broker) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => broker.StopAsync(cancellationToken);
}
