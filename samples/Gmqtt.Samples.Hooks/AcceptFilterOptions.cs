using System.ComponentModel.DataAnnotations;

namespace Gmqtt.Samples.Hooks;

/// <summary><c>Hooks:AcceptFilter</c>: which addresses may open connections, and how often.</summary>
internal sealed class AcceptFilterOptions
{
    /// <summary>Addresses whose connections are closed at once, e.g. <c>Hooks:AcceptFilter:Blacklist:0=192.0.2.1</c>.</summary>
    public List<string> Blacklist { get; set; } = [];

    /// <summary>New connections one address may open per <see cref="Window"/>.</summary>
    [Range(1, int.MaxValue)]
    public int PermitLimit { get; set; } = 20;

    /// <summary>The length of a rate-limit window.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);
}
