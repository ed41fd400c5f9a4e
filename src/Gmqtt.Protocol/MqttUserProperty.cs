namespace Gmqtt.Protocol;

/// <summary>An MQTT 5.0 user property: a UTF-8 string pair. Order is significant and names may repeat.</summary>
/// <param name="Name">The property name.</param>
/// <param name="Value">The property value.</param>
public readonly record struct MqttUserProperty(string Name, string Value);
