using Gmqtt.AspNetCore.Tests.Infrastructure;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using MqttMessage = MQTTnet.MqttApplicationMessage;

namespace Gmqtt.AspNetCore.Tests;

/// <summary>MQTTnet 5.2 clients against the sample broker over TCP, TLS and WebSocket, MQTT 3.1.1 and 5.0.</summary>
public class InteropTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    public static TheoryData<string, MqttProtocolVersion> Transports => new()
    {
        { "tcp", MqttProtocolVersion.V311 },
        { "tcp", MqttProtocolVersion.V500 },
        { "tls", MqttProtocolVersion.V311 },
        { "tls", MqttProtocolVersion.V500 },
        { "ws", MqttProtocolVersion.V311 },
        { "ws", MqttProtocolVersion.V500 },
    };

    public static TheoryData<string, MqttProtocolVersion, MqttQualityOfServiceLevel> TransportsAndQoS
    {
        get
        {
            var data = new TheoryData<string, MqttProtocolVersion, MqttQualityOfServiceLevel>();
            foreach (var row in Transports)
            {
                foreach (var qos in new[] { MqttQualityOfServiceLevel.AtMostOnce, MqttQualityOfServiceLevel.AtLeastOnce, MqttQualityOfServiceLevel.ExactlyOnce })
                {
                    data.Add((string)row[0], (MqttProtocolVersion)row[1], qos);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task MQTTnet_client_publishes_and_receives_its_subscription(string transport, MqttProtocolVersion version)
    {
        using var client = await Connect(transport, version, $"self-{transport}-{version}");
        await client.SubscribeAsync("interop/+/x", MqttQualityOfServiceLevel.AtLeastOnce);
        await client.PublishAsync($"interop/{transport}-{version}/x", "hello", MqttQualityOfServiceLevel.AtLeastOnce);

        var message = await client.ReceiveAsync();
        Assert.Equal($"interop/{transport}-{version}/x", message.Topic);
        Assert.Equal("hello", message.ConvertPayloadToString());
        Assert.Equal(MqttQualityOfServiceLevel.AtLeastOnce, message.QualityOfServiceLevel);
    }

    [Theory]
    [MemberData(nameof(TransportsAndQoS))]
    public async Task Message_published_at_each_QoS_reaches_another_client_at_that_QoS(string transport, MqttProtocolVersion version, MqttQualityOfServiceLevel qos)
    {
        var topic = $"qos/{transport}/{version}/{(int)qos}";
        using var subscriber = await Connect(transport, version, $"sub-{transport}-{version}-{(int)qos}");
        using var publisher = await Connect(transport, version, $"pub-{transport}-{version}-{(int)qos}");
        await subscriber.SubscribeAsync(topic, qos);

        var result = await publisher.PublishAsync(topic, $"payload {(int)qos}", qos);

        // The QoS 1 and 2 handshakes complete (PUBACK, PUBREC/PUBREL/PUBCOMP), and the copy is delivered at the
        // lower of the published and granted QoS [MQTT-3.8.4-6] (5.0: [MQTT-3.8.4-8]), here the same.
        Assert.True(result.IsSuccess, $"publish failed: {result.ReasonCode}");
        var message = await subscriber.ReceiveAsync();
        Assert.Equal(topic, message.Topic);
        Assert.Equal($"payload {(int)qos}", message.ConvertPayloadToString());
        Assert.Equal(qos, message.QualityOfServiceLevel);
        Assert.False(message.Retain);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Retained_message_is_sent_to_a_new_subscription_with_retain_set(string transport, MqttProtocolVersion version)
    {
        var topic = $"retained/{transport}/{version}";
        using (var publisher = await Connect(transport, version, $"retain-pub-{transport}-{version}"))
        {
            await publisher.PublishAsync(topic, "kept", MqttQualityOfServiceLevel.AtLeastOnce, retain: true);
            await publisher.Client.DisconnectAsync();
        }

        using var subscriber = await Connect(transport, version, $"retain-sub-{transport}-{version}");
        await subscriber.SubscribeAsync("retained/#", MqttQualityOfServiceLevel.AtLeastOnce);

        // The retained message goes to the new subscription with RETAIN 1 [MQTT-3.3.1-6] (5.0: [MQTT-3.3.1-8]).
        var message = await ReceiveOn(subscriber, topic);
        Assert.Equal("kept", message.ConvertPayloadToString());
        Assert.True(message.Retain);
        Assert.Equal(MqttQualityOfServiceLevel.AtLeastOnce, message.QualityOfServiceLevel);

        // A zero-length retained payload clears it [MQTT-3.3.1-10]: a later subscriber gets nothing for the topic.
        await subscriber.PublishAsync(topic, "", MqttQualityOfServiceLevel.AtLeastOnce, retain: true);
        Assert.Null(server.Broker.RetainedMessages.Match(topic).FirstOrDefault());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Will_is_delivered_when_the_client_is_disposed_without_disconnect(string transport, MqttProtocolVersion version)
    {
        var willTopic = $"will/{transport}/{version}";
        using var watcher = await Connect(transport, version, $"will-watch-{transport}-{version}");
        await watcher.SubscribeAsync(willTopic, MqttQualityOfServiceLevel.AtLeastOnce);

        var dying = await MqttnetClient.ConnectAsync(MqttnetClient.Options(server, transport, version, $"will-{transport}-{version}")
            .WithWillTopic(willTopic).WithWillPayload("gone").WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());

        // Dispose closes the socket without sending DISCONNECT: the broker must publish the will [MQTT-3.1.2-8].
        dying.Dispose();

        var will = await watcher.ReceiveAsync();
        Assert.Equal(willTopic, will.Topic);
        Assert.Equal("gone", will.ConvertPayloadToString());
        Assert.Equal(MqttQualityOfServiceLevel.AtLeastOnce, will.QualityOfServiceLevel);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Persistent_session_receives_QoS1_messages_queued_while_offline(string transport, MqttProtocolVersion version)
    {
        var clientId = $"persistent-{transport}-{version}";
        var topic = $"persistent/{transport}/{version}";
        MqttClientOptions Persistent() => MqttnetClient.Options(server, transport, version, clientId)
            .WithCleanSession(false).WithSessionExpiryInterval(3600).Build();

        using (var first = await MqttnetClient.ConnectAsync(MqttnetClient.Options(server, transport, version, clientId).WithCleanSession(true).Build()))
        {
            await first.Client.DisconnectAsync(); // Start from no session at all.
        }

        using (var first = new MqttnetClient())
        {
            var connack = await first.Client.ConnectAsync(Persistent());
            Assert.False(connack.IsSessionPresent);
            await first.SubscribeAsync(topic, MqttQualityOfServiceLevel.AtLeastOnce);
            await first.Client.DisconnectAsync();
        }

        using (var publisher = await Connect(transport, version, $"persistent-pub-{transport}-{version}"))
        {
            for (var i = 1; i <= 3; i++)
            {
                var result = await publisher.PublishAsync(topic, $"queued {i}", MqttQualityOfServiceLevel.AtLeastOnce);
                Assert.True(result.IsSuccess, $"publish {i} failed: {result.ReasonCode}");
            }
        }

        using var again = new MqttnetClient();
        var resumed = await again.Client.ConnectAsync(Persistent());

        // The session survived: Session Present 1 [MQTT-3.2.2-2], and the QoS 1 messages queued while the client
        // was offline are delivered, in order [MQTT-3.1.2-5] [MQTT-4.6.0-6].
        Assert.True(resumed.IsSessionPresent);
        for (var i = 1; i <= 3; i++)
        {
            var message = await again.ReceiveAsync();
            Assert.Equal($"queued {i}", message.ConvertPayloadToString());
            Assert.Equal(MqttQualityOfServiceLevel.AtLeastOnce, message.QualityOfServiceLevel);
        }

        await again.Client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
        await server.Broker.DisconnectClientAsync(clientId, endSession: true);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Second_client_with_the_same_id_takes_over_and_the_first_is_disconnected(string transport, MqttProtocolVersion version)
    {
        var clientId = $"takeover-{transport}-{version}";
        var topic = $"takeover/{transport}/{version}";
        using var first = await Connect(transport, version, clientId);
        using var second = await Connect(transport, version, clientId);

        // The server closes the existing connection of a client identifier that connects again [MQTT-3.1.4-2].
        var disconnected = await first.Disconnected.WaitAsync(MqttnetClient.Timeout);
        Assert.False(first.Client.IsConnected);
        if (version == MqttProtocolVersion.V500)
        {
            // MQTT 5.0: the existing client is first sent DISCONNECT with 0x8E Session taken over [MQTT-3.1.4-3].
            Assert.Equal(MqttClientDisconnectReason.SessionTakenOver, disconnected.Reason);
        }

        // The newcomer is fully served.
        Assert.True(second.Client.IsConnected);
        await second.SubscribeAsync(topic, MqttQualityOfServiceLevel.AtLeastOnce);
        await second.PublishAsync(topic, "mine now", MqttQualityOfServiceLevel.AtLeastOnce);
        Assert.Equal("mine now", (await second.ReceiveAsync()).ConvertPayloadToString());
        Assert.True(server.Broker.GetClient(clientId)?.Connected);
    }

    private Task<MqttnetClient> Connect(string transport, MqttProtocolVersion version, string clientId) =>
        MqttnetClient.ConnectAsync(MqttnetClient.Options(server, transport, version, clientId).WithCleanSession().Build());

    private static async Task<MqttMessage> ReceiveOn(MqttnetClient client, string topic)
    {
        while (true)
        {
            var message = await client.ReceiveAsync();
            if (message.Topic == topic)
            {
                return message;
            }
        }
    }
}
