using Gmqtt.Broker;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Tests;

/// <summary>The write loop's wake-up and control-packet queue (Broker/WriteQueue.cs).</summary>
public class WriteQueueTests
{
    [Fact]
    public async Task Signals_given_while_the_writer_is_busy_wake_it_once()
    {
        var queue = new WriteQueue();
        queue.Signal();
        queue.Signal();
        queue.Signal();

        Assert.True(await queue.WaitAsync());
        var next = queue.WaitAsync();
        Assert.False(next.IsCompleted);
        queue.Complete();
        Assert.False(await next);
    }

    [Fact]
    public async Task A_signal_wakes_a_waiting_writer()
    {
        var queue = new WriteQueue();
        var wait = queue.WaitAsync().AsTask();
        Assert.False(wait.IsCompleted);

        queue.Signal();
        Assert.True(await wait.WaitAsync(RawClient.Timeout));
    }

    [Fact]
    public async Task A_signal_given_before_complete_is_seen_once_after_it()
    {
        var queue = new WriteQueue();
        queue.Signal();
        queue.Complete();
        queue.Signal(); // After Complete: ignored.

        Assert.True(await queue.WaitAsync());
        Assert.False(await queue.WaitAsync());
    }

    [Fact]
    public async Task Complete_wakes_a_waiting_writer_with_false()
    {
        var queue = new WriteQueue();
        var wait = queue.WaitAsync().AsTask();
        queue.Complete();
        queue.Complete(); // Idempotent.
        Assert.False(await wait.WaitAsync(RawClient.Timeout));
    }

    [Fact]
    public async Task Control_packets_come_out_in_order_and_each_signals_the_writer()
    {
        var queue = new WriteQueue();
        Assert.Null(queue.TakeControl());
        var first = new PubAckPacket { PacketId = 1 };
        var second = new PubAckPacket { PacketId = 2 };
        queue.Enqueue(first);
        queue.Enqueue(second);

        Assert.True(await queue.WaitAsync());
        var taken = queue.TakeControl();
        Assert.Equal([first, second], taken!);
        Assert.Null(queue.TakeControl());

        // A written list is reused for the next packets, and comes back holding only them.
        queue.Recycle(taken!);
        var third = new PubAckPacket { PacketId = 3 };
        queue.Enqueue(third);
        Assert.Equal([third], queue.TakeControl()!);
    }

    [Fact]
    public async Task Many_signallers_never_lose_a_wake_up()
    {
        var queue = new WriteQueue();
        var produced = 0;
        var consumed = 0;
        var writer = Task.Run(async () =>
        {
            while (await queue.WaitAsync())
            {
                consumed += queue.TakeControl()?.Count ?? 0;
            }

            consumed += queue.TakeControl()?.Count ?? 0;
        });

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                queue.Enqueue(PingRespPacket.Instance);
                Interlocked.Increment(ref produced);
            }
        })));
        queue.Complete();
        await writer.WaitAsync(RawClient.Timeout);
        Assert.Equal(40_000, produced);
        Assert.Equal(produced, consumed);
    }
}
