using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Gmqtt.Tests;

/// <summary>Keeps every log line so tests can assert that bad input was logged (and show logs on failure).</summary>
internal sealed class RecordingLoggerFactory : ILoggerFactory
{
    public ConcurrentQueue<(LogLevel Level, int EventId, string Message, Exception? Exception)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    public override string ToString() => string.Join(Environment.NewLine, Entries.Select(e => $"{e.Level} {e.EventId}: {e.Message} {e.Exception}"));

    private sealed class Logger(RecordingLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue((logLevel, eventId.Id, formatter(state, exception), exception));
    }
}
