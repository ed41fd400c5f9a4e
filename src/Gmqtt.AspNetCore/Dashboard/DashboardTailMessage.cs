namespace Gmqtt.AspNetCore.Dashboard;

/// <summary>A message event of the live tail (<c>GET {dashboard}/tail</c>), serialized in camelCase.</summary>
/// <param name="At">When the broker saw it.</param>
/// <param name="Topic">The topic name.</param>
/// <param name="Qos">The QoS it was published with.</param>
/// <param name="Retain">Its RETAIN flag.</param>
/// <param name="ClientId">The publisher, or <see langword="null"/> for the server-side API.</param>
/// <param name="Size">The payload's full size in bytes.</param>
/// <param name="Payload">The payload (or its first bytes) as text when it is UTF-8, else <see langword="null"/>.</param>
/// <param name="PayloadHex">The first bytes in hex when the payload is not UTF-8.</param>
/// <param name="Truncated">Whether only part of the payload is shown.</param>
/// <param name="Dropped">Messages this tail has dropped so far because the browser fell behind.</param>
internal sealed record DashboardTailMessage(
    DateTimeOffset At, string Topic, int Qos, bool Retain, string? ClientId, int Size, string? Payload, string? PayloadHex, bool Truncated, long Dropped);
