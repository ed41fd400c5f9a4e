using Microsoft.Extensions.Hosting;

namespace Gmqtt.AspNetCore.Hosting;

/// <summary>
/// Starts the broker (loads its session store) before the listeners start, and stops it with the host, before the web server stops: clients are disconnected (and their close hooks
/// run) while the host's shutdown timeout still applies, so Kestrel then finds no MQTT connection to wait for.
/// </summary>
/// <remarks>
/// WebApplication registers the web server's hosted service last, so it stops first; a plain
/// <see cref="IHostedService.StopAsync"/> here would run only after Kestrel had waited out the shutdown timeout
/// on connections nobody closes. <see cref="IHostedLifecycleService.StoppingAsync"/> runs before any hosted service stops.
/// </remarks>
internal sealed class GmqttHostedService(MqttBroker broker) : IHostedLifecycleService
{
    // Before any hosted service starts, so Kestrel accepts no MQTT connection until the session store is loaded; a
    // store that cannot be read fails the start with its message.
    public Task StartingAsync(CancellationToken cancellationToken) => broker.StartAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => broker.StopAsync(cancellationToken);

    // Already done in StoppingAsync (StopAsync on a stopped broker returns at once); kept for hosts that only call StopAsync.
    public Task StopAsync(CancellationToken cancellationToken) => broker.StopAsync(cancellationToken);

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
