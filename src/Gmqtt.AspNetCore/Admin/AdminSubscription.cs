namespace Gmqtt.AspNetCore.Admin;

/// <summary>A client's subscription, as the admin API shows it.</summary>
/// <param name="ClientId">The client identifier of the session that holds it.</param>
/// <param name="Filter">The topic filter, possibly <c>$share/{group}/{filter}</c>.</param>
/// <param name="Qos">The maximum QoS granted (0, 1 or 2).</param>
/// <param name="NoLocal">MQTT 5.0: the client's own publications are not sent back to it.</param>
/// <param name="RetainAsPublished">MQTT 5.0: the RETAIN flag is forwarded as published.</param>
/// <param name="RetainHandling">MQTT 5.0: 0 send retained messages on subscribe, 1 only for a new subscription, 2 never.</param>
public sealed record AdminSubscription(string ClientId, string Filter, int Qos, bool NoLocal, bool RetainAsPublished, int RetainHandling);
