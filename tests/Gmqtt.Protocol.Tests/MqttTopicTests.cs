using Gmqtt.Protocol.Topics;

namespace Gmqtt.Protocol.Tests;

/// <summary>Topic names, topic filters, shared subscriptions and matching: section 4.7 and 4.8.2 of MQTT 5.0.</summary>
public class MqttTopicTests
{
    // ---------------------------------------------------------------- topic names

    [Theory]
    [InlineData("a")]
    [InlineData("/")]                    // 4.7.3: "/" is a valid topic name with two empty levels
    [InlineData("//")]
    [InlineData("/finance")]
    [InlineData("sport/tennis/player1")]
    [InlineData("ACCOUNTS")]
    [InlineData("Accounts payable")]     // 4.7.3: spaces are allowed
    [InlineData("$SYS/broker/clients")]  // 4.7.2: $-topics are names like any other for publishing
    [InlineData("a/$share/b")]
    [InlineData("ü/\U0001F600")]
    public void Valid_topic_names(string topic) => Assert.True(MqttTopic.IsValidTopicName(topic));

    [Theory]
    [InlineData("")]                     // [MQTT-4.7.3-1] at least one character
    [InlineData("#")]                    // [MQTT-4.7.0-1] (3.1.1: [MQTT-4.7.1-1]) no wildcards in a name
    [InlineData("+")]
    [InlineData("a/#")]
    [InlineData("a/+/b")]
    [InlineData("a+")]
    [InlineData("sport/tennis#")]
    public void Invalid_topic_names(string topic) => Assert.False(MqttTopic.IsValidTopicName(topic));

    // ---------------------------------------------------------------- topic filters

    [Theory]
    // Examples of section 4.7.1.2 and 4.7.1.3.
    [InlineData("sport/tennis/player1/#")]
    [InlineData("sport/#")]
    [InlineData("#")]
    [InlineData("sport/tennis/#")]
    [InlineData("+")]
    [InlineData("+/tennis/#")]
    [InlineData("sport/+/player1")]
    [InlineData("/+")]
    [InlineData("+/+")]
    [InlineData("+/")]
    [InlineData("/#")]
    [InlineData("a//b")]
    [InlineData("$SYS/#")]
    [InlineData("$share/g/a")]           // a valid filter as such; IsValidSharedFilter judges the prefix
    [InlineData("a/b")]
    public void Valid_topic_filters(string filter) => Assert.True(MqttTopic.IsValidTopicFilter(filter));

    [Theory]
    [InlineData("")]                     // [MQTT-4.7.3-1]
    [InlineData("sport/tennis#")]        // 4.7.1.2: "is not valid" [MQTT-4.7.1-1]
    [InlineData("sport/tennis/#/ranking")]
    [InlineData("a/#/b")]
    [InlineData("a#")]
    [InlineData("#/")]
    [InlineData("#/a")]
    [InlineData("##")]
    [InlineData("sport+")]               // 4.7.1.3: "is not valid" [MQTT-4.7.1-2]
    [InlineData("a+/b")]
    [InlineData("+a")]
    [InlineData("a/+b/c")]
    [InlineData("++")]
    [InlineData("+#")]
    [InlineData("#+")]
    public void Invalid_topic_filters(string filter) => Assert.False(MqttTopic.IsValidTopicFilter(filter));

    // ---------------------------------------------------------------- shared subscriptions (MQTT 5.0 section 4.8.2)

    [Theory]
    [InlineData("$share/consumer1/sport/tennis/+", "consumer1", "sport/tennis/+")]
    [InlineData("$share/consumer2/sport/tennis/+", "consumer2", "sport/tennis/+")]
    [InlineData("$share/g/#", "g", "#")]
    [InlineData("$share/g//", "g", "/")]
    [InlineData("$share/g/$share/h/x", "g", "$share/h/x")]
    [InlineData("$share/ü/a", "ü", "a")]
    public void Shared_filters_split_into_share_name_and_filter(string filter, string shareName, string topicFilter)
    {
        Assert.True(MqttTopic.IsShared(filter));
        Assert.True(MqttTopic.IsValidSharedFilter(filter));
        Assert.True(MqttTopic.TryParseShared(filter, out var name, out var rest));
        Assert.Equal(shareName, name);
        Assert.Equal(topicFilter, rest);
    }

    [Theory]
    [InlineData("$share/")]              // [MQTT-4.8.2-1] a ShareName of at least one character
    [InlineData("$share//a")]
    [InlineData("$share/g")]             // [MQTT-4.8.2-2] followed by "/"
    [InlineData("$share/g/")]            // [MQTT-4.8.2-2] and that "/" by a Topic Filter
    [InlineData("$share/+/a")]           // [MQTT-4.8.2-2] no "+" or "#" in the ShareName
    [InlineData("$share/#/a")]
    [InlineData("$share/g+/a")]
    [InlineData("$share/#")]
    [InlineData("$share/g/a/#/b")]       // the filter after the ShareName is itself invalid [MQTT-4.7.1-1]
    [InlineData("$share/g/a+")]
    public void Malformed_shared_filters_are_rejected(string filter)
    {
        Assert.True(MqttTopic.IsShared(filter));
        Assert.False(MqttTopic.IsValidSharedFilter(filter));
        Assert.False(MqttTopic.TryParseShared(filter, out var name, out var rest));
        Assert.Equal("", name);
        Assert.Equal("", rest);
    }

    [Theory]
    [InlineData("$share")]
    [InlineData("$SHARE/g/a")]           // case-sensitive [MQTT-4.7.3-4]: no normalization
    [InlineData("share/g/a")]
    [InlineData("$sharegroup/a")]
    [InlineData("a/$share/g/b")]
    public void Only_the_exact_share_prefix_makes_a_shared_filter(string filter)
    {
        Assert.False(MqttTopic.IsShared(filter));
        Assert.False(MqttTopic.IsValidSharedFilter(filter));
        Assert.False(MqttTopic.TryParseShared(filter, out _, out _));
    }

    [Theory]
    [InlineData("a/+", true)]
    [InlineData("#", true)]
    [InlineData("a/b", false)]
    [InlineData("$SYS", false)]
    public void Wildcards_are_detected(string filter, bool expected) => Assert.Equal(expected, MqttTopic.HasWildcards(filter));

    // ---------------------------------------------------------------- matching

    [Theory]
    // 4.7.1.2: "sport/tennis/player1/#" matches these three.
    [InlineData("sport/tennis/player1", "sport/tennis/player1/#")]
    [InlineData("sport/tennis/player1/ranking", "sport/tennis/player1/#")]
    [InlineData("sport/tennis/player1/score/wimbledon", "sport/tennis/player1/#")]
    // 4.7.1.2: "sport/#" also matches the singular "sport", since # includes the parent level.
    [InlineData("sport", "sport/#")]
    [InlineData("sport/", "sport/#")]
    [InlineData("a", "a/#")]
    // 4.7.1.2: "#" on its own matches every (non-$) topic.
    [InlineData("a", "#")]
    [InlineData("a/b/c", "#")]
    [InlineData("/", "#")]
    [InlineData("/a", "#")]
    // 4.7.1.3: "sport/tennis/+" matches "sport/tennis/player1" and "sport/tennis/player2".
    [InlineData("sport/tennis/player1", "sport/tennis/+")]
    [InlineData("sport/tennis/player2", "sport/tennis/+")]
    // 4.7.1.3: "sport/+" matches "sport/" (an empty level).
    [InlineData("sport/", "sport/+")]
    // 4.7.1.3: "+/+" and "/+" match "/finance".
    [InlineData("/finance", "+/+")]
    [InlineData("/finance", "/+")]
    [InlineData("/x", "+/+")]
    [InlineData("/", "+/+")]
    [InlineData("/", "+/#")]
    // 4.7.1.3: "+" at more than one level and with "#".
    [InlineData("sport/tennis/player1", "+/tennis/#")]
    [InlineData("sport/tennis", "+/tennis/#")]
    [InlineData("a/b/c", "+/+/+")]
    [InlineData("a/b", "a/+/#")]
    // Empty levels are levels.
    [InlineData("a//b", "a/+/b")]
    [InlineData("a//b", "a//b")]
    [InlineData("//", "+/+/+")]
    [InlineData("a/b", "a/b")]
    // 4.7.2: a filter that starts with $ literally can match a $-topic.
    [InlineData("$SYS/monitor/Clients", "$SYS/monitor/+")]
    [InlineData("$SYS/monitor/Clients", "$SYS/#")]
    [InlineData("$SYS", "$SYS/#")]
    [InlineData("$", "$")]
    // A $ that is not first is an ordinary character.
    [InlineData("a/$SYS", "+/+")]
    [InlineData("a/$SYS", "a/#")]
    public void Filters_match_these_topics(string topic, string filter) => Assert.True(MqttTopic.Matches(topic, filter));

    [Theory]
    // 4.7.1.3: "sport/tennis/+" does not match "sport/tennis/player1/ranking"; "sport/+" does not match "sport".
    [InlineData("sport/tennis/player1/ranking", "sport/tennis/+")]
    [InlineData("sport", "sport/+")]
    [InlineData("a", "a/+")]
    // 4.7.1.3: "+" does not match "/finance" (two levels).
    [InlineData("/finance", "+")]
    [InlineData("/", "+")]
    [InlineData("a/b", "+")]
    // [MQTT-4.7.2-1]: filters starting with a wildcard never match topics starting with "$".
    [InlineData("$SYS/monitor/Clients", "#")]
    [InlineData("$SYS/monitor/Clients", "+/monitor/Clients")]
    [InlineData("$SYS", "#")]
    [InlineData("$SYS", "+")]
    [InlineData("$", "+")]
    [InlineData("$SYS/x", "+/#")]
    [InlineData("$share/g/a", "#")]
    // Levels must agree in number and content; matching is case-sensitive [MQTT-4.7.3-4].
    [InlineData("ACCOUNTS", "Accounts")]
    [InlineData("sport/tennis", "sport/tennis/player1/#")]
    [InlineData("a/b", "a/b/c")]
    [InlineData("a/b/c", "a/b")]
    [InlineData("a/bc", "a/b")]
    [InlineData("a/b", "a/bc")]
    [InlineData("ab", "a/#")]
    [InlineData("/a", "a/#")]
    [InlineData("a", "/a")]
    [InlineData("a/", "a")]
    [InlineData("b", "a/#")]
    public void Filters_do_not_match_these_topics(string topic, string filter) => Assert.False(MqttTopic.Matches(topic, filter));

    [Fact]
    public void Matching_agrees_with_a_reference_implementation_on_generated_pairs()
    {
        // A tiny alphabet makes collisions likely: every name/filter pair of up to three levels over {a, "", $}.
        string[] levels = ["a", "b", "", "$"];
        string[] filterLevels = ["a", "", "+", "#", "$"];
        var names = Combine(levels).Where(n => MqttTopic.IsValidTopicName(n)).ToList();
        var filters = Combine(filterLevels).Where(f => MqttTopic.IsValidTopicFilter(f)).ToList();
        Assert.True(names.Count > 50 && filters.Count > 50);
        foreach (var name in names)
        {
            foreach (var filter in filters)
            {
                Assert.True(
                    Reference(name, filter) == MqttTopic.Matches(name, filter),
                    $"'{name}' against '{filter}': expected {Reference(name, filter)}.");
            }
        }
    }

    private static IEnumerable<string> Combine(string[] levels)
    {
        IEnumerable<string> current = levels;
        var all = new List<string>(levels);
        for (var depth = 2; depth <= 3; depth++)
        {
            current = current.SelectMany(prefix => levels.Select(level => prefix + "/" + level)).ToList();
            all.AddRange(current);
        }

        return all.Distinct();
    }

    /// <summary>Section 4.7 written as directly as possible: split on "/", walk the levels.</summary>
    private static bool Reference(string topic, string filter)
    {
        if (topic.StartsWith('$') && (filter.StartsWith('+') || filter.StartsWith('#')))
        {
            return false;
        }

        var t = topic.Split('/');
        var f = filter.Split('/');
        for (var i = 0; i < f.Length; i++)
        {
            if (f[i] == "#")
            {
                return true; // matches the parent and any number of child levels
            }

            if (i >= t.Length || (f[i] != "+" && f[i] != t[i]))
            {
                return false;
            }
        }

        return t.Length == f.Length;
    }
}
