using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Gmqtt.Tests;

/// <summary>
/// Listens to one <see cref="Meter"/> instance (not every meter named "Gmqtt": tests run brokers side by side) and
/// records what its instruments report.
/// </summary>
internal sealed class MeterCapture : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Measurement> _measurements = new();

    public MeterCapture(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter == meter)
            {
                Instruments.Add(instrument);
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    public ConcurrentBag<Instrument> Instruments { get; } = [];

    /// <summary>Recorded measurements (histograms) since the last call.</summary>
    public List<Measurement> TakeRecorded()
    {
        var taken = new List<Measurement>();
        while (_measurements.TryDequeue(out var m))
        {
            taken.Add(m);
        }

        return taken;
    }

    /// <summary>Reads every observable instrument now.</summary>
    public List<Measurement> Observe()
    {
        TakeRecorded();
        _listener.RecordObservableInstruments();
        return TakeRecorded();
    }

    /// <summary>The value of <paramref name="instrument"/> for the tag <paramref name="tag"/> = <paramref name="value"/> (or untagged).</summary>
    public static double Value(List<Measurement> measurements, string instrument, string? tag = null, string? value = null) =>
        Assert.Single(measurements, m => m.Instrument == instrument && (tag is null || m.Tags.GetValueOrDefault(tag) == value)).Value;

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, string?>();
        foreach (var (key, tagValue) in tags)
        {
            copy[key] = tagValue?.ToString();
        }

        _measurements.Enqueue(new Measurement(instrument.Name, value, copy));
    }

    public sealed record Measurement(string Instrument, double Value, Dictionary<string, string?> Tags);
}
