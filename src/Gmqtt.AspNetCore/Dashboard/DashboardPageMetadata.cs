namespace Gmqtt.AspNetCore.Dashboard;

/// <summary>Marks the dashboard's page endpoint (whose 401 answer carries the sign-in form) and says where it and the admin API live.</summary>
/// <param name="Path">The dashboard's path, without a trailing slash.</param>
/// <param name="AdminApiPrefix">The admin API's prefix, without a trailing slash.</param>
internal sealed record DashboardPageMetadata(string Path, string AdminApiPrefix);
