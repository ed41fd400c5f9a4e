using Gmqtt.Hooks;
using Gmqtt.Protocol;

namespace Gmqtt.Tests;

/// <summary>
/// A CONNECT with a client identifier already in use closes the existing connection [MQTT-3.1.4-3] (3.1.1:
/// [MQTT-3.1.4-2]) and waits for its teardown; these tests hold that teardown in a close hook.
/// </summary>
public class TakeoverTests
{
    /// <summary>A hook that holds the close of every connection taken over until <see cref="Release"/>.</summary>
    private sealed class HeldTakeover
    {
        private readonly TaskCompletionSource _closing = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public HeldTakeover() => Hook = new TestHook
        {
            Closing = async (_, reason) =>
            {
                if (reason == MqttCloseReason.SessionTakenOver)
                {
                    _closing.TrySetResult();
                    await _release.Task;
                }
            },
        };

        public TestHook Hook { get; }

        /// <summary>Completes when a taken-over connection's close hook has started (and is held).</summary>
        public Task Closing => _closing.Task.WaitAsync(RawClient.Timeout);

        public void Release() => _release.TrySetResult();
    }

    /// <summary>The lock stripe of the broker's former 64 client-id locks, which a slow takeover held for every identifier on it.</summary>
    private static uint Stripe(string clientId) => (uint)StringComparer.Ordinal.GetHashCode(clientId) % 64;

    [Fact]
    public async Task A_takeover_waiting_for_the_old_connections_teardown_holds_up_no_other_client_id()
    {
        var held = new HeldTakeover();
        await using var harness = new BrokerHarness(null, held.Hook);
        var old = await harness.ConnectAsync("slow");
        var taking = harness.Open();
        var takingConnAck = taking.ConnectAsync("slow");
        await held.Closing;

        // An identifier that shared a lock with "slow" when the broker striped its client-id locks by hash.
        var neighbour = Enumerable.Range(0, 100_000).Select(i => $"n{i}").First(id => Stripe(id) == Stripe("slow"));
        await harness.ConnectAsync(neighbour); // times out if it waits for the takeover
        Assert.True(harness.Broker.GetClient(neighbour)!.Connected);
        Assert.False(takingConnAck.IsCompleted); // the takeover is still pending

        held.Release();
        Assert.Equal(MqttReasonCode.Success, (await takingConnAck).ReasonCode);
        Assert.Empty(await old.ExpectClosedAsync());
        Assert.True(harness.Broker.GetClient("slow")!.Connected);
    }

    [Fact]
    public async Task Concurrent_CONNECTs_with_one_client_id_end_with_exactly_one_attached_connection()
    {
        var held = new HeldTakeover();
        await using var harness = new BrokerHarness(null, held.Hook);
        var old = await harness.SubscriberAsync("c", "t", MqttQualityOfService.AtLeastOnce, clean: false);
        var first = harness.Open();
        var firstConnAck = first.ConnectAsync("c", clean: false);
        await held.Closing; // "first" holds the identifier's lock while the old connection tears down
        var second = harness.Open();
        var secondConnAck = second.ConnectAsync("c", clean: false);

        held.Release();
        Assert.True((await firstConnAck).SessionPresent);
        Assert.True((await secondConnAck).SessionPresent);

        // The second CONNECT waited for the first to attach, then took over from it: one connection is left.
        Assert.Empty(await old.ExpectClosedAsync());
        Assert.Empty(await first.ExpectClosedAsync());
        await second.PingAsync();
        Assert.Equal([("c", MqttCloseReason.SessionTakenOver), ("c", MqttCloseReason.SessionTakenOver)], held.Hook.Closed);
        Assert.Equal(1, harness.Broker.ConnectionCount);

        // The session went along with the connections, subscription included.
        await harness.Broker.PublishAsync(new MqttApplicationMessage { Topic = "t", Payload = "after"u8.ToArray(), QoS = MqttQualityOfService.AtLeastOnce });
        Assert.Equal("after", RawClient.Text(await second.ReceivePublishAsync()));
    }
}
