using Microsoft.Playwright;

namespace Gmqtt.AspNetCore.Tests.Dashboard;

/// <summary>
/// Debian's chromium, driven by Playwright (no browser download: Playwright launches the installed executable).
/// A missing chromium fails the tests that use it, with the command that installs it; they never skip.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    /// <summary>Where chromium is: <c>GMQTT_CHROMIUM</c>, else Debian's <c>/usr/bin/chromium</c> (what .ci/run installs).</summary>
    public static string ExecutablePath => Environment.GetEnvironmentVariable("GMQTT_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at {ExecutablePath}. Install it (Debian package chromium: apt-get install -y chromium; the README's ./test.sh installs it) or set GMQTT_CHROMIUM to its path.");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // CI runs as root, where chromium's sandbox cannot start; containers often give /dev/shm only 64 MB.
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
