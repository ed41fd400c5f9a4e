using System.ComponentModel.DataAnnotations;

namespace Gmqtt.AspNetCore.Admin;

/// <summary>Subscribes a client's session on its behalf, as if it had sent SUBSCRIBE.</summary>
public sealed record AdminSubscribeRequest
{
    /// <summary>The topic filter, with wildcards or <c>$share/{group}/</c> as a client would send it.</summary>
    [Required]
    public string? Filter { get; init; }

    /// <summary>The maximum QoS to deliver with: 0, 1 or 2.</summary>
    [Range(0, 2)]
    public int Qos { get; init; }

    /// <summary>MQTT 5.0: do not send the client its own publications (not allowed on a shared subscription).</summary>
    public bool NoLocal { get; init; }

    /// <summary>MQTT 5.0: forward the RETAIN flag as published.</summary>
    public bool RetainAsPublished { get; init; }

    /// <summary>MQTT 5.0: 0 send retained messages now, 1 only if the subscription is new, 2 never.</summary>
    [Range(0, 2)]
    public int RetainHandling { get; init; }
}
