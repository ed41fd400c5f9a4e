namespace Gmqtt.Protocol.Topics;

/// <summary>Topic name and topic filter rules (section 4.7 of both standards) and shared subscriptions (MQTT 5.0 section 4.8.2).</summary>
public static class MqttTopic
{
    /// <summary>The prefix of a shared subscription filter.</summary>
    public const string SharePrefix = "$share/";

    /// <summary>The longest topic name or filter, in UTF-8 bytes [MQTT-4.7.3-3].</summary>
    public const int MaxLength = 65535;

    /// <summary>
    /// Whether <paramref name="topic"/> may be published to: at least one character [MQTT-4.7.3-1] and no
    /// wildcard characters [MQTT-3.3.2-2] [MQTT-4.7.1-1 in 3.1.1]. U+0000 is rejected when the string is decoded.
    /// </summary>
    public static bool IsValidTopicName(ReadOnlySpan<char> topic) =>
        !topic.IsEmpty && topic.IndexOfAny('+', '#') < 0;

    /// <summary>
    /// Whether <paramref name="filter"/> is a well-formed topic filter: not empty [MQTT-4.7.3-1]; <c>#</c> alone or
    /// after a separator and last [MQTT-4.7.1-1]; <c>+</c> alone in its level [MQTT-4.7.1-2]. (3.1.1 numbers these
    /// [MQTT-4.7.1-2] and [MQTT-4.7.1-3].) A <c>$share/</c> filter must also satisfy <see cref="IsValidSharedFilter"/>.
    /// </summary>
    public static bool IsValidTopicFilter(ReadOnlySpan<char> filter)
    {
        if (filter.IsEmpty)
        {
            return false;
        }

        for (var i = 0; i < filter.Length; i++)
        {
            var c = filter[i];
            if (c != '+' && c != '#')
            {
                continue;
            }

            var startsLevel = i == 0 || filter[i - 1] == '/';
            var endsLevel = i == filter.Length - 1 || filter[i + 1] == '/';
            if (!startsLevel || !endsLevel)
            {
                return false;
            }

            if (c == '#' && i != filter.Length - 1)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether the filter starts with <c>$share/</c>.</summary>
    public static bool IsShared(ReadOnlySpan<char> filter) => filter.StartsWith(SharePrefix, StringComparison.Ordinal);

    /// <summary>
    /// Splits <c>$share/{ShareName}/{filter}</c>. The share name is at least one character [MQTT-4.8.2-1] without
    /// <c>/</c>, <c>+</c> or <c>#</c>, and is followed by <c>/</c> and a valid topic filter [MQTT-4.8.2-2].
    /// </summary>
    /// <returns><see langword="false"/> when <paramref name="filter"/> is not a well-formed shared subscription.</returns>
    public static bool TryParseShared(string filter, out string shareName, out string topicFilter)
    {
        shareName = "";
        topicFilter = "";
        if (!IsShared(filter))
        {
            return false;
        }

        var rest = filter.AsSpan(SharePrefix.Length);
        var slash = rest.IndexOf('/');
        if (slash <= 0 || rest[..slash].IndexOfAny('+', '#') >= 0 || !IsValidTopicFilter(rest[(slash + 1)..]))
        {
            return false;
        }

        shareName = rest[..slash].ToString();
        topicFilter = rest[(slash + 1)..].ToString();
        return true;
    }

    /// <summary>Whether a <c>$share/</c> filter is well formed (see <see cref="TryParseShared"/>).</summary>
    public static bool IsValidSharedFilter(ReadOnlySpan<char> filter)
    {
        if (!IsShared(filter))
        {
            return false;
        }

        var rest = filter[SharePrefix.Length..];
        var slash = rest.IndexOf('/');
        return slash > 0 && rest[..slash].IndexOfAny('+', '#') < 0 && IsValidTopicFilter(rest[(slash + 1)..]);
    }

    /// <summary>Whether the filter contains <c>+</c> or <c>#</c>.</summary>
    public static bool HasWildcards(ReadOnlySpan<char> filter) => filter.IndexOfAny('+', '#') >= 0;

    /// <summary>
    /// Whether topic name <paramref name="topic"/> matches <paramref name="filter"/> (a valid, non-shared filter).
    /// A filter starting with a wildcard does not match a topic starting with <c>$</c> [MQTT-4.7.2-1].
    /// <c>#</c> also matches the parent level (<c>a/#</c> matches <c>a</c>).
    /// </summary>
    public static bool Matches(ReadOnlySpan<char> topic, ReadOnlySpan<char> filter)
    {
        if (!topic.IsEmpty && topic[0] == '$' && !filter.IsEmpty && (filter[0] == '+' || filter[0] == '#'))
        {
            return false;
        }

        while (true)
        {
            if (filter.SequenceEqual("#"))
            {
                return true;
            }

            var filterEnd = filter.IndexOf('/');
            var filterLevel = filterEnd < 0 ? filter : filter[..filterEnd];
            var topicEnd = topic.IndexOf('/');
            var topicLevel = topicEnd < 0 ? topic : topic[..topicEnd];

            if (!(filterLevel.SequenceEqual("+") || filterLevel.SequenceEqual(topicLevel)))
            {
                return false;
            }

            if (filterEnd < 0 || topicEnd < 0)
            {
                // One side has no more levels: equal only when both end here, or "a/#" against "a".
                return filterEnd < 0 && topicEnd < 0 || topicEnd < 0 && filter[(filterEnd + 1)..].SequenceEqual("#");
            }

            filter = filter[(filterEnd + 1)..];
            topic = topic[(topicEnd + 1)..];
        }
    }
}
