using Gmqtt.Protocol;

namespace Gmqtt.Storage;

/// <summary>
/// The unsent rest of the retained messages a stored session's subscription matched: after a restart the broker
/// matches the retained store again, in topic order, and goes on after <see cref="After"/>.
/// </summary>
/// <param name="Filter">The subscription's filter.</param>
/// <param name="QoS">The subscription's granted QoS.</param>
/// <param name="SubscriptionIds">MQTT 5.0 subscription identifiers to send with each message.</param>
/// <param name="After">The topic of the last message taken (ordinal order), or <see langword="null"/> before the first.</param>
public sealed record MqttStoredRetainedStream(string Filter, MqttQualityOfService QoS, IReadOnlyList<uint>? SubscriptionIds, string? After);
