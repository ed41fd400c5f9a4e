using Gmqtt.Hooks;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Tests;

/// <summary>MQTT 5.0 flow control (section 4.9): Receive Maximum both ways, Maximum Packet Size both ways.</summary>
public class Mqtt5FlowControlTests
{
    [Fact]
    public async Task Client_Receive_Maximum_bounds_the_unacknowledged_QoS_1_PUBLISH_and_the_rest_flow_after_PUBACK() // [MQTT-3.3.4-9]
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.Subscriber5Async("s", "t", MqttQualityOfService.AtLeastOnce, new MqttProperties { SessionExpiryInterval = 3600 }, cleanStart: false);
        Assert.Empty(await subscriber.DisconnectAsync());

        // Queued while offline, so that a broker ignoring Receive Maximum would write all five in its first round.
        var publisher = await harness.Connect5Async("p");
        for (ushort i = 1; i <= 5; i++)
        {
            await publisher.PublishAsync("t", System.Text.Encoding.UTF8.GetBytes($"m{i}"), null, MqttQualityOfService.AtLeastOnce, i);
            await publisher.ReceiveAsync<PubAckPacket>();
        }

        subscriber = harness.Open();
        Assert.True((await subscriber.Connect5Async("s", cleanStart: false, new MqttProperties { SessionExpiryInterval = 3600, ReceiveMaximum = 2 })).SessionPresent);
        var outstanding = new Queue<PublishPacket>([await subscriber.ReceivePublishAsync(), await subscriber.ReceivePublishAsync()]);
        var snapshot = harness.Broker.GetClient("s")!;
        Assert.Equal((2, 3), (snapshot.InflightMessages, snapshot.QueuedMessages));
        Assert.Null(subscriber.TryReceiveNow());

        var received = outstanding.Select(RawClient.Text).ToList();
        while (received.Count < 5)
        {
            await subscriber.AckAsync(outstanding.Dequeue());
            var next = await subscriber.ReceivePublishAsync();
            received.Add(RawClient.Text(next));
            outstanding.Enqueue(next);
            Assert.True(harness.Broker.GetClient("s")!.InflightMessages <= 2);
        }

        Assert.Equal(["m1", "m2", "m3", "m4", "m5"], received);
    }

    [Fact]
    public async Task Server_Receive_Maximum_is_in_CONNACK_and_a_client_exceeding_it_gets_DISCONNECT_0x93() // [MQTT-3.3.4-7] section 3.3.4
    {
        var hook = new TestHook();
        await using var harness = new BrokerHarness(o => o.ReceiveMaximum = 2, hook);
        var client = harness.Open();
        Assert.Equal((ushort)2, (await client.Connect5Async("c")).Properties?.ReceiveMaximum);

        for (ushort id = 1; id <= 2; id++)
        {
            await client.PublishAsync("t", "x"u8.ToArray(), null, MqttQualityOfService.ExactlyOnce, id);
            Assert.Equal(id, (await client.ReceiveAsync<PubRecPacket>()).PacketId);
        }

        await client.PublishAsync("t", "x"u8.ToArray(), null, MqttQualityOfService.ExactlyOnce, 3);
        var disconnect = Assert.IsType<DisconnectPacket>(Assert.Single(await client.ExpectClosedAsync()));
        Assert.Equal(MqttReasonCode.ReceiveMaximumExceeded, disconnect.ReasonCode);
        Assert.Contains(hook.Closed, c => c is ("c", MqttCloseReason.ProtocolError));
    }

    [Fact]
    public async Task Server_Receive_Maximum_counts_only_QoS_2_exchanges_not_yet_released()
    {
        await using var harness = new BrokerHarness(o => o.ReceiveMaximum = 2);
        var client = await harness.Connect5Async("c");

        for (ushort id = 1; id <= 6; id++)
        {
            await client.PublishAsync("t", "x"u8.ToArray(), null, MqttQualityOfService.ExactlyOnce, id);
            Assert.Equal(id, (await client.ReceiveAsync<PubRecPacket>()).PacketId);
            await client.SendAsync(new PubRelPacket { PacketId = id });
            var comp = await client.ReceiveAsync<PubCompPacket>();
            Assert.Equal((id, MqttReasonCode.Success), (comp.PacketId, comp.ReasonCode));
        }

        // QoS 1 is acknowledged at once and never counts.
        for (ushort id = 10; id <= 14; id++)
        {
            await client.PublishAsync("t", "x"u8.ToArray(), null, MqttQualityOfService.AtLeastOnce, id);
            Assert.Equal(id, (await client.ReceiveAsync<PubAckPacket>()).PacketId);
        }
    }

    [Fact]
    public async Task Server_Receive_Maximum_does_not_count_a_resent_QoS_2_PUBLISH_already_pending() // section 4.9; [MQTT-4.4.0-1] re-send after reconnect
    {
        await using var harness = new BrokerHarness(o => o.ReceiveMaximum = 2);
        var expiry = new MqttProperties { SessionExpiryInterval = 3600 };
        var client = await harness.Connect5Async("c", cleanStart: false, expiry);
        for (ushort id = 1; id <= 2; id++)
        {
            await client.PublishAsync("t", "x"u8.ToArray(), null, MqttQualityOfService.ExactlyOnce, id);
            await client.ReceiveAsync<PubRecPacket>();
        }

        // The PUBRECs were lost with the connection: the client re-sends both PUBLISH, with their identifiers and DUP.
        await client.DropAsync();
        await client.ExpectClosedAsync();
        var back = harness.Open();
        Assert.True((await back.Connect5Async("c", cleanStart: false, expiry)).SessionPresent);
        for (ushort id = 1; id <= 2; id++)
        {
            await back.SendAsync(new PublishPacket { Topic = "t", Payload = "x"u8.ToArray(), QoS = MqttQualityOfService.ExactlyOnce, PacketId = id, Dup = true });
            Assert.Equal(id, (await back.ReceiveAsync<PubRecPacket>()).PacketId);
        }

        await back.SendAsync(new PubRelPacket { PacketId = 1 });
        Assert.Equal((ushort)1, (await back.ReceiveAsync<PubCompPacket>()).PacketId);
    }

    [Fact]
    public async Task Message_larger_than_the_client_Maximum_Packet_Size_is_dropped_and_reported_and_smaller_ones_still_flow() // [MQTT-3.1.2-24] [MQTT-3.1.2-25]
    {
        var hook = new TestHook();
        await using var harness = new BrokerHarness(null, hook);
        var subscriber = await harness.Subscriber5Async("s", "t", properties: new MqttProperties { MaximumPacketSize = 60 });
        var publisher = await harness.Connect5Async("p");
        await publisher.PublishAsync("t", new byte[200], null);
        await publisher.PublishAsync("t", "small"u8.ToArray(), null);

        Assert.Equal("small", RawClient.Text(await subscriber.ReceivePublishAsync()));
        await Eventually.TrueAsync(() => hook.Dropped.Any(d => d is ("s", _, MqttDropReason.PacketTooLarge)), "the oversize message to be reported");
        Assert.Equal(200, hook.Dropped.Single(d => d.Reason == MqttDropReason.PacketTooLarge).Message.Payload.Length);
    }

    [Fact]
    public async Task Oversize_QoS_1_message_does_not_hold_a_place_in_the_in_flight_window() // [MQTT-3.1.2-25]: "as if it had completed sending"
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.Subscriber5Async("s", "t", MqttQualityOfService.AtLeastOnce, new MqttProperties { MaximumPacketSize = 60, ReceiveMaximum = 1 });
        var publisher = await harness.Connect5Async("p");
        await publisher.PublishAsync("t", new byte[200], null, MqttQualityOfService.AtLeastOnce, 1);
        await publisher.ReceiveAsync<PubAckPacket>();
        await publisher.PublishAsync("t", "small"u8.ToArray(), null, MqttQualityOfService.AtLeastOnce, 2);
        await publisher.ReceiveAsync<PubAckPacket>();

        var small = await subscriber.ReceivePublishAsync();
        Assert.Equal(("small", MqttQualityOfService.AtLeastOnce), (RawClient.Text(small), small.QoS));
        Assert.Equal(1, harness.Broker.GetClient("s")!.InflightMessages);
        await subscriber.AckAsync(small);
        await Eventually.TrueAsync(() => harness.Broker.GetClient("s")!.InflightMessages == 0, "the PUBACK to empty the window");
    }

    [Fact]
    public async Task In_flight_message_too_large_for_the_reconnected_client_is_not_re_sent_and_leaves_the_window() // [MQTT-3.1.2-24] [MQTT-3.1.2-25]
    {
        var hook = new TestHook();
        await using var harness = new BrokerHarness(null, hook);
        var session = new MqttProperties { SessionExpiryInterval = 60 };
        var first = await harness.Subscriber5Async("s", "t", MqttQualityOfService.AtLeastOnce, session);
        var publisher = await harness.Connect5Async("p");
        await publisher.PublishAsync("t", new byte[200], null, MqttQualityOfService.AtLeastOnce, 1);
        await publisher.ReceiveAsync<PubAckPacket>();
        Assert.Equal(200, (await first.ReceivePublishAsync()).Payload.Length); // Not acknowledged: stays in flight.
        await first.DisconnectAsync();

        var again = await harness.Connect5Async("s", cleanStart: false, new MqttProperties { SessionExpiryInterval = 60, MaximumPacketSize = 100 });
        await publisher.PublishAsync("t", "small"u8.ToArray(), null, MqttQualityOfService.AtLeastOnce, 2);
        await publisher.ReceiveAsync<PubAckPacket>();

        // The first PUBLISH the client sees is the new message, not the 200-byte re-send.
        var next = await again.ReceivePublishAsync();
        Assert.Equal(("small", false), (RawClient.Text(next), next.Dup));
        Assert.Contains(hook.Dropped, d => d is ("s", _, MqttDropReason.PacketTooLarge));
        await again.AckAsync(next);
        await Eventually.TrueAsync(() => harness.Broker.GetClient("s")!.InflightMessages == 0, "the window to be empty");
    }

    [Fact]
    public async Task Server_Maximum_Packet_Size_is_in_CONNACK_and_a_larger_packet_gets_DISCONNECT_0x95() // [MQTT-3.2.2-15] section 3.2.2.3.6
    {
        await using var harness = new BrokerHarness(o => o.MaxPacketSize = 100);
        var client = harness.Open();
        Assert.Equal(100u, (await client.Connect5Async("c")).Properties?.MaximumPacketSize);
        await client.PingAsync();

        await client.PublishAsync("t", new byte[200], null);
        var disconnect = Assert.IsType<DisconnectPacket>(Assert.Single(await client.ExpectClosedAsync()));
        Assert.Equal(MqttReasonCode.PacketTooLarge, disconnect.ReasonCode);
    }
}
