using System.Text;
using Gmqtt.AspNetCore.Dashboard;
using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Microsoft.Extensions.Options;

namespace Gmqtt.AspNetCore.Tests.Dashboard;

/// <summary>The tail's publish hook on its own: bounded buffers that drop the oldest, payload previews, the tail limit.</summary>
public class DashboardMessageTailTests
{
    private static DashboardMessageTail Create(Action<GmqttDashboardOptions>? configure = null)
    {
        var options = new GmqttDashboardOptions();
        configure?.Invoke(options);
        return new DashboardMessageTail(Options.Create(options), TimeProvider.System);
    }

    private static ValueTask Publish(IMqttHook hook, string topic, byte[] payload, string? clientId = "c") =>
        hook.OnPublishAsync(new MqttPublishContext
        {
            Message = new MqttApplicationMessage { Topic = topic, Payload = payload, QoS = MqttQualityOfService.AtLeastOnce, SenderClientId = clientId },
        });

    private static ValueTask Publish(IMqttHook hook, string topic, string payload) => Publish(hook, topic, Encoding.UTF8.GetBytes(payload));

    private static List<DashboardTailMessage> Drain(TailSubscription tail)
    {
        var messages = new List<DashboardTailMessage>();
        while (tail.Reader.TryRead(out var entry))
        {
            messages.Add(entry.Describe(tail.Dropped));
        }

        return messages;
    }

    [Fact]
    public async Task A_slow_reader_keeps_the_newest_messages_and_counts_the_dropped_ones()
    {
        var hook = Create(o => o.TailBufferSize = 3);
        using var tail = hook.TryOpen("t/#")!;
        for (var i = 1; i <= 5; i++)
        {
            await Publish(hook, "t/x", $"m{i}"); // Completes at once: the publisher never waits for the browser.
        }

        var messages = Drain(tail);
        Assert.Equal(["m3", "m4", "m5"], messages.Select(m => m.Payload));
        Assert.All(messages, m => Assert.Equal(2, m.Dropped));
    }

    [Fact]
    public async Task Each_tail_gets_only_what_its_filter_matches()
    {
        var hook = Create();
        using var plus = hook.TryOpen("a/+")!;
        using var hash = hook.TryOpen("#")!;
        await Publish(hook, "a/b", "1");
        await Publish(hook, "a/b/c", "2");
        await Publish(hook, "$SYS/broker/uptime", "3"); // '#' does not match '$' topics [MQTT-4.7.2-1].

        Assert.Equal(["a/b"], Drain(plus).Select(m => m.Topic));
        Assert.Equal(["a/b", "a/b/c"], Drain(hash).Select(m => m.Topic));
    }

    [Fact]
    public async Task A_closed_tail_gets_nothing_more_and_frees_its_slot()
    {
        var hook = Create(o => o.MaxTails = 1);
        var tail = hook.TryOpen("#")!;
        Assert.Null(hook.TryOpen("#"));

        tail.Dispose();
        tail.Dispose(); // Idempotent: the stream's end and the request's end both close it.
        await Publish(hook, "a", "after");

        Assert.Equal(0, hook.OpenCount);
        Assert.Empty(Drain(tail));
        using var another = hook.TryOpen("#");
        Assert.NotNull(another);
    }

    [Fact]
    public async Task Long_payloads_are_cut_to_the_preview_without_splitting_a_character()
    {
        var hook = Create(o => o.PayloadPreviewBytes = 4);
        using var tail = hook.TryOpen("#")!;
        await Publish(hook, "t", "abcdef");
        await Publish(hook, "t", "aaé!"); // 'é' is two bytes: bytes 3-4; the preview keeps it whole.
        await Publish(hook, "t", "abcé"); // The fourth byte starts 'é': the preview stops before it.

        var messages = Drain(tail);
        Assert.Equal(("abcd", true, 6), (messages[0].Payload, messages[0].Truncated, messages[0].Size));
        Assert.Equal(("aaé", true), (messages[1].Payload, messages[1].Truncated));
        Assert.Equal(("abc", true), (messages[2].Payload, messages[2].Truncated));
    }

    [Fact]
    public async Task A_binary_payload_is_shown_as_hex()
    {
        var hook = Create();
        using var tail = hook.TryOpen("#")!;
        await Publish(hook, "bin", [0xFF, 0x00, 0x10], clientId: null);

        var message = Assert.Single(Drain(tail));
        Assert.Null(message.Payload);
        Assert.Equal("FF0010", message.PayloadHex);
        Assert.False(message.Truncated);
        Assert.Null(message.ClientId);
    }
}
