using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gmqtt.AspNetCore.Statistics;

/// <summary>Feeds <see cref="GmqttStatisticsHistory"/> once a second while the host runs.</summary>
internal sealed partial class GmqttStatisticsSampler(GmqttStatisticsHistory history, TimeProvider timeProvider, ILogger<GmqttStatisticsSampler> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The timer first, then the baseline: a clock that moves once the baseline is visible always reaches the timer.
        using var timer = new PeriodicTimer(GmqttStatisticsHistory.Interval, timeProvider);
        history.Sample();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    history.Sample();
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // A failed sample leaves a gap in the chart; it must not stop the host (BackgroundService's default).
                    SampleFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(300, LogLevel.Warning, "Taking a statistics sample failed.")]
    private static partial void SampleFailed(ILogger logger, Exception exception);
}
