namespace Gmqtt.Tests;

/// <summary>Waits for a condition that another task makes true, bounded by <see cref="RawClient.Timeout"/> (never a fixed sleep).</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string? what = null)
    {
        using var timeout = new CancellationTokenSource(RawClient.Timeout);
        while (!condition())
        {
            try
            {
                await Task.Delay(5, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"Timed out waiting for {what ?? "a condition"}.");
            }
        }
    }
}
