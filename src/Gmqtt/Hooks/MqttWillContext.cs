namespace Gmqtt.Hooks;

/// <summary>A will about to be published.</summary>
public sealed class MqttWillContext
{
    /// <summary>The client whose will it is.</summary>
    public required MqttClientInfo Client { get; init; }

    /// <summary>The will as a message; a hook may change it.</summary>
    public required MqttApplicationMessage Message { get; init; }

    /// <summary>Set to suppress the will.</summary>
    public bool Suppress { get; set; }
}
