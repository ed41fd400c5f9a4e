using System.Net;
using System.Threading.RateLimiting;
using Gmqtt.Hooks;
using Microsoft.Extensions.Options;

namespace Gmqtt.Samples.Hooks;

/// <summary>
/// Filters connections before any MQTT byte is read (gmqtt's OnAccept example): addresses on the
/// <c>Hooks:AcceptFilter:Blacklist</c> are closed at once, and each address may open at most
/// <see cref="AcceptFilterOptions.PermitLimit"/> connections per <see cref="AcceptFilterOptions.Window"/>.
/// Every refusal is logged.
/// </summary>
/// <remarks>
/// <para>
/// The limit is a framework <see cref="PartitionedRateLimiter{TResource}"/> of fixed-window limiters. The framework
/// limiters keep time with <c>Stopwatch</c> and take no <see cref="TimeProvider"/>, so the window comes from the
/// injected <see cref="TimeProvider"/> instead: the partition key is the address plus the number of the current
/// window, and each (address, window) partition grants <see cref="AcceptFilterOptions.PermitLimit"/> permits.
/// The limiter's own window equals ours, so a partition is refilled once its window is over, becomes idle and is
/// removed by the limiter; nothing accumulates per address.
/// </para>
/// <para>
/// On a WebSocket endpoint the hook runs after the HTTP upgrade; to refuse earlier there, put ASP.NET Core's
/// rate-limiting middleware on the endpoint (<c>app.MapMqtt("/mqtt").RequireRateLimiting(...)</c>).
/// </para>
/// </remarks>
internal sealed partial class AcceptFilterHook : IMqttHook, IDisposable
{
    private readonly HashSet<IPAddress> _blacklist;
    private readonly PartitionedRateLimiter<IPAddress> _limiter;
    private readonly ILogger<AcceptFilterHook> _logger;

    public AcceptFilterHook(IOptions<AcceptFilterOptions> options, TimeProvider time, ILogger<AcceptFilterHook> logger)
    {
        var settings = options.Value;
        _logger = logger;
        _blacklist = [.. settings.Blacklist.Select(address => Normalize(IPAddress.Parse(address)))];
        var window = settings.Window;
        _limiter = PartitionedRateLimiter.Create<IPAddress, (IPAddress Address, long Window)>(address =>
            RateLimitPartition.GetFixedWindowLimiter(
                (address, time.GetUtcNow().UtcTicks / window.Ticks),
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = settings.PermitLimit,
                    Window = window,
                    QueueLimit = 0,
                    AutoReplenishment = false,
                }));
    }

    /// <inheritdoc />
    public ValueTask<bool> OnAcceptAsync(MqttAcceptContext context)
    {
        if (context.RemoteEndPoint is not IPEndPoint { Address: var peer })
        {
            return ValueTask.FromResult(true); // Not an IP transport (e.g. a Unix socket): nothing to filter on.
        }

        var address = Normalize(peer);
        if (_blacklist.Contains(address))
        {
            LogBlacklisted(_logger, address, context.Transport);
            return ValueTask.FromResult(false);
        }

        using var lease = _limiter.AttemptAcquire(address);
        if (!lease.IsAcquired)
        {
            LogRateLimited(_logger, address, context.Transport);
            return ValueTask.FromResult(false);
        }

        return ValueTask.FromResult(true);
    }

    /// <inheritdoc />
    public void Dispose() => _limiter.Dispose();

    /// <summary>An IPv4 client on a dual-stack socket appears as ::ffff:a.b.c.d; compare it as a.b.c.d.</summary>
    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    [LoggerMessage(1, LogLevel.Warning, "Refused a {Transport} connection from {Address}: the address is blacklisted.")]
    private static partial void LogBlacklisted(ILogger logger, IPAddress address, string transport);

    [LoggerMessage(2, LogLevel.Warning, "Refused a {Transport} connection from {Address}: too many new connections from this address.")]
    private static partial void LogRateLimited(ILogger logger, IPAddress address, string transport);
}
