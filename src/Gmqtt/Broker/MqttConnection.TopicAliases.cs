using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Broker;

/// <summary>
/// MQTT 5.0 topic aliases (section 3.3.2.3.4): a two-byte number that stands for a topic name on one network
/// connection. The two directions are independent tables with their own maximums: the client's aliases are
/// bounded by the Topic Alias Maximum the broker sends in CONNACK, the broker's by the one the client sent in
/// CONNECT. Both tables live in the connection, so no mapping outlives it [MQTT-3.3.2-7].
/// </summary>
/// <remarks>
/// Outbound policy: aliases are handed out in first-use order, 1, 2, 3…, until the table holds as many as the
/// client allows (capped by <see cref="MqttBrokerOptions.TopicAliasMaximum"/>); after that a topic without an
/// alias goes out in full, without one. Mappings are never replaced: replacing (LRU) re-sends topic and alias
/// for every topic beyond the table's size — larger than no alias at all — as soon as a subscriber's working
/// set exceeds it, which is exactly the wildcard subscriber with many topics; a fixed table never costs more
/// than the full topic and needs no bookkeeping per message. Topics shorter than
/// <see cref="MinAliasedTopicLength"/> characters get no alias: they would save nothing.
/// </remarks>
internal sealed partial class MqttConnection
{
    /// <summary>
    /// The shortest topic given an alias. An alias adds 3 property bytes (and at most 1 more to the property
    /// length); with 5 or more topic bytes gone, a PUBLISH with an empty topic is never larger than the same
    /// PUBLISH with the full topic, so it fits the client's Maximum Packet Size whenever the full one does.
    /// </summary>
    private const int MinAliasedTopicLength = 5;

    /// <summary>Inbound: alias → topic, as the client set them. Read loop only.</summary>
    private Dictionary<ushort, string>? _inboundAliases;

    /// <summary>Outbound: how many aliases this connection may use; 0 for none (MQTT 3.x, or not allowed).</summary>
    private int _outboundAliasMaximum;

    /// <summary>The client's Maximum Packet Size, 0 when it set none.</summary>
    private uint _outboundAliasPacketLimit;

    /// <summary>Outbound: topic → alias. Write loop only.</summary>
    private Dictionary<string, ushort>? _outboundAliases;

    /// <summary>
    /// Outbound: for messages without properties (the common case), one properties object per alias holding
    /// only that alias, index alias − 1, so that reusing an alias allocates nothing. The writer only reads it.
    /// </summary>
    private List<MqttProperties>? _aliasOnlyProperties;

    /// <summary>Called once CONNECT is accepted: how many aliases the broker may send to this client.</summary>
    private void InitializeTopicAliases(ConnectPacket connect)
    {
        if (connect.ProtocolVersion != MqttProtocolVersion.V500 || connect.Properties is not { } properties)
        {
            // MQTT 3.x has no aliases; an absent Topic Alias Maximum means 0: none may be sent [MQTT-3.1.2-27].
            return;
        }

        // Never an alias above the client's maximum [MQTT-3.1.2-26] [MQTT-3.3.2-11]; the broker's own option
        // bounds the table it keeps per connection.
        _outboundAliasMaximum = Math.Min(properties.TopicAliasMaximum ?? 0, _broker.Options.TopicAliasMaximum);
        _outboundAliasPacketLimit = properties.MaximumPacketSize ?? 0;
    }

    /// <summary>
    /// The topic an incoming PUBLISH is for, resolving its Topic Alias (MQTT 5.0 section 3.3.4). The alias is
    /// removed from the packet's properties: it means something only on this connection, so the routed message,
    /// its subscribers and the retained store see the real topic and no alias.
    /// </summary>
    /// <exception cref="MqttProtocolException">0x94 for an alias above the maximum the broker sent in CONNACK; 0x82 for an empty topic with an alias that has no mapping.</exception>
    private string ReadTopic(in MqttPublishView view)
    {
        if (view.Properties is not { TopicAlias: { } alias } properties)
        {
            return view.GetTopic();
        }

        properties.TopicAlias = null;
        if (alias > _broker.Options.TopicAliasMaximum)
        {
            // "A Topic Alias value of 0 or greater than the Maximum Topic Alias is a Protocol Error, the receiver
            // uses DISCONNECT with Reason Code of 0x94" (section 3.3.4) [MQTT-3.3.2-9] [MQTT-3.2.2-17]; with a
            // maximum of 0 every alias is [MQTT-3.2.2-18]. Alias 0 is refused as 0x94 by the reader [MQTT-3.3.2-8].
            throw new MqttProtocolException(
                MqttReasonCode.TopicAliasInvalid,
                $"Topic Alias {alias} is above the Topic Alias Maximum {_broker.Options.TopicAliasMaximum}.");
        }

        if (view.Topic.IsEmpty)
        {
            // An empty topic uses the mapping; without one "it is a Protocol Error" (section 3.3.4).
            return _inboundAliases?.GetValueOrDefault(alias)
                ?? throw new MqttProtocolException(MqttReasonCode.ProtocolError, $"Topic Alias {alias} has no mapping.");
        }

        // A topic with an alias sets the mapping, or replaces it (section 3.3.4); every value from 1 to the
        // maximum is accepted [MQTT-3.3.2-12].
        var topic = view.GetTopic();
        (_inboundAliases ??= [])[alias] = topic;
        return topic;
    }

    /// <summary>
    /// Gives an outgoing PUBLISH its alias: the first time a topic is sent, topic and a new alias; after that, an
    /// empty topic and the alias. Call it only for a packet that is written at once, in write order, on the
    /// write loop — never for one that may still be dropped, and never for a re-send after reconnect, which
    /// carries its full topic because the client's mappings ended with the old connection [MQTT-3.3.2-7].
    /// Never changes the message's shared properties: it sets the alias on a copy.
    /// </summary>
    private PublishPacket WithTopicAlias(PublishPacket packet, MqttApplicationMessage message)
    {
        if (packet.Properties is { TopicAlias: not null })
        {
            // An alias that came with the message (the server-side API) is not ours to send.
            packet.Properties = AliasProperties(packet.Properties, message, alias: null);
        }

        if (_outboundAliasMaximum == 0 || packet.Topic.Length < MinAliasedTopicLength)
        {
            return packet;
        }

        var aliases = _outboundAliases ??= new Dictionary<string, ushort>(StringComparer.Ordinal);
        if (aliases.TryGetValue(packet.Topic, out var alias))
        {
            // The client has the mapping: the topic is left out (section 3.3.2.3.4).
            packet.Topic = "";
            packet.Properties = AliasProperties(packet.Properties, message, alias);
            return packet;
        }

        if (aliases.Count >= _outboundAliasMaximum)
        {
            // The table is full: mappings are kept, this topic goes out in full (see the remarks above).
            return packet;
        }

        alias = (ushort)(aliases.Count + 1);
        var withoutAlias = packet.Properties;
        packet.Properties = AliasProperties(withoutAlias, message, alias);
        if (_outboundAliasPacketLimit != 0 && MqttPacketWriter.GetSize(packet, MqttProtocolVersion.V500) > _outboundAliasPacketLimit)
        {
            // The alias would push the packet over the client's Maximum Packet Size [MQTT-3.1.2-24]: send it
            // without, as it was checked, and try again next time.
            if (ReferenceEquals(packet.Properties, withoutAlias))
            {
                withoutAlias!.TopicAlias = null;
            }

            packet.Properties = withoutAlias;
            return packet;
        }

        aliases.Add(packet.Topic, alias);
        return packet;
    }

    /// <summary>
    /// <paramref name="properties"/> with <paramref name="alias"/> set: changed in place when they belong to this
    /// packet alone, otherwise a copy, so that the message shared by every subscriber is never changed.
    /// </summary>
    private MqttProperties? AliasProperties(MqttProperties? properties, MqttApplicationMessage message, ushort? alias)
    {
        if (properties is null)
        {
            return alias is { } value ? AliasOnlyProperties(value) : null;
        }

        if (!ReferenceEquals(properties, message.Properties))
        {
            properties.TopicAlias = alias;
            return properties;
        }

        return new MqttProperties
        {
            // The properties a PUBLISH may carry (section 3.3.2.3).
            PayloadFormatIndicator = properties.PayloadFormatIndicator,
            MessageExpiryInterval = properties.MessageExpiryInterval,
            TopicAlias = alias,
            ResponseTopic = properties.ResponseTopic,
            CorrelationData = properties.CorrelationData,
            UserProperties = properties.UserProperties,
            SubscriptionIdentifiers = properties.SubscriptionIdentifiers,
            ContentType = properties.ContentType,
        };
    }

    private MqttProperties AliasOnlyProperties(ushort alias)
    {
        var cache = _aliasOnlyProperties ??= [];
        while (cache.Count < alias)
        {
            cache.Add(new MqttProperties { TopicAlias = (ushort)(cache.Count + 1) });
        }

        return cache[alias - 1];
    }
}
