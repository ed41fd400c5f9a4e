namespace Gmqtt.AspNetCore.Admin;

/// <summary>An MQTT 5.0 user property. Order is kept and names may repeat.</summary>
/// <param name="Name">The property name.</param>
/// <param name="Value">The property value.</param>
public sealed record AdminUserProperty(string Name, string Value);
