using System.Net.ServerSentEvents;
using Gmqtt.AspNetCore.Tests.Infrastructure;

namespace Gmqtt.AspNetCore.Tests.Dashboard;

/// <summary>An open Server-Sent Events response read event by event, each read bounded by a timeout (never a sleep).</summary>
internal sealed class SseStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly IAsyncEnumerator<SseItem<string>> _events;

    private SseStream(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _events = SseParser.Create(body).EnumerateAsync(_lifetime.Token).GetAsyncEnumerator(_lifetime.Token);
    }

    public HttpResponseMessage Response => _response;

    /// <summary>Opens the stream; the response is returned whatever its status, for the caller to check.</summary>
    public static async Task<SseStream> OpenAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        return new SseStream(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next event, or a test failure after the timeout.</summary>
    public async Task<SseItem<string>> NextAsync()
    {
        var next = _events.MoveNextAsync().AsTask();
        if (await Task.WhenAny(next, Task.Delay(MqttnetClient.Timeout)) != next)
        {
            throw new Xunit.Sdk.XunitException($"No server-sent event within {MqttnetClient.Timeout.TotalSeconds} s.");
        }

        Assert.True(await next, "The event stream ended.");
        return _events.Current;
    }

    public async ValueTask DisposeAsync()
    {
        await _lifetime.CancelAsync();
        _response.Dispose();
        try
        {
            await _events.DisposeAsync();
        }
        catch (OperationCanceledException)
        {
        }

        _lifetime.Dispose();
    }
}
