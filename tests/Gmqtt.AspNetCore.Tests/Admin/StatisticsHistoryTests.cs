using Gmqtt.AspNetCore.Statistics;
using Microsoft.Extensions.Time.Testing;

namespace Gmqtt.AspNetCore.Tests.Admin;

/// <summary>The ring of per-second samples behind /overview rates and /stats/history, on fake time.</summary>
public class StatisticsHistoryTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private MqttBrokerStatistics _current = Statistics(0, 0, 0, 0, 0);

    [Fact]
    public void The_first_sample_only_sets_the_baseline()
    {
        var history = new GmqttStatisticsHistory(() => _current, _time);

        history.Sample();

        Assert.Empty(history.GetSamples());
        Assert.Null(history.Latest);
    }

    [Fact]
    public void Rates_are_the_growth_since_the_previous_sample_over_the_time_that_passed()
    {
        var history = new GmqttStatisticsHistory(() => _current, _time);
        history.Sample();

        _current = Statistics(100, 50, 4000, 2000, 3);
        _time.Advance(TimeSpan.FromSeconds(1));
        history.Sample();
        _current = Statistics(400, 50, 10000, 2000, 5);
        _time.Advance(TimeSpan.FromSeconds(2)); // a late tick: the rate is over two seconds, not one
        history.Sample();

        Assert.Equal(
            [
                new MqttStatisticsSample(_time.GetUtcNow().AddSeconds(-2), 100, 50, 4000, 2000, 3),
                new MqttStatisticsSample(_time.GetUtcNow(), 150, 0, 3000, 0, 5),
            ],
            history.GetSamples());
        Assert.Equal(history.GetSamples()[^1], history.Latest);
    }

    [Fact]
    public void Ten_minutes_are_kept_and_older_samples_drop_out_oldest_first()
    {
        var history = new GmqttStatisticsHistory(() => _current, _time);
        history.Sample();
        for (var second = 1; second <= GmqttStatisticsHistory.Capacity + 5; second++)
        {
            _current = Statistics(0, 0, 0, 0, second);
            _time.Advance(TimeSpan.FromSeconds(1));
            history.Sample();
        }

        var samples = history.GetSamples();

        Assert.Equal(600, samples.Count);
        Assert.Equal(Enumerable.Range(6, 600), samples.Select(s => s.Connections));
        Assert.Equal(_time.GetUtcNow() - TimeSpan.FromSeconds(599), samples[0].At);
    }

    [Fact]
    public async Task The_hosted_sampler_takes_one_sample_per_second_of_its_clock()
    {
        var reads = 0;
        var history = new GmqttStatisticsHistory(() => { Interlocked.Increment(ref reads); return _current; }, _time);
        using var sampler = new GmqttStatisticsSampler(history, _time, Microsoft.Extensions.Logging.Abstractions.NullLogger<GmqttStatisticsSampler>.Instance);
        await sampler.StartAsync(CancellationToken.None);

        // Each read of the counters is a sample taken on the sampler's task; the clock moves only after the previous one.
        for (var second = 1; second <= 3; second++)
        {
            await AdminAssert.EventuallyAsync(() => Task.FromResult(Volatile.Read(ref reads) == second), $"read {second}");
            _current = Statistics(10 * second, 0, 0, 0, second);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        await AdminAssert.EventuallyAsync(() => Task.FromResult(history.GetSamples().Count == 3), "three samples");
        await sampler.StopAsync(CancellationToken.None);
        Assert.Equal([1, 2, 3], history.GetSamples().Select(s => s.Connections));
        Assert.All(history.GetSamples(), s => Assert.Equal(10, s.MessagesReceivedPerSecond));
    }

    private static MqttBrokerStatistics Statistics(long received, long sent, long bytesIn, long bytesOut, int connections) =>
        new(received, sent, bytesIn, bytesOut, 0, 0, 0, connections, 0, 0, 0, 0);
}
