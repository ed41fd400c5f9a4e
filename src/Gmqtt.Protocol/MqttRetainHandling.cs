namespace Gmqtt.Protocol;

/// <summary>MQTT 5.0 subscription option: when retained messages are sent on subscribe.</summary>
public enum MqttRetainHandling : byte
{
    /// <summary>Send retained messages at the time of the subscribe.</summary>
    SendAtSubscribe = 0,
    /// <summary>Send retained messages only if the subscription did not already exist.</summary>
    SendAtSubscribeIfNew = 1,
    /// <summary>Never send retained messages on subscribe.</summary>
    DoNotSend = 2,
}
