using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Gmqtt.Broker;
using Gmqtt.Protocol;
using Gmqtt.Protocol.Packets;

namespace Gmqtt.Tests;

/// <summary>
/// A client end of an in-memory connection to the broker: sends packets or raw bytes, and reads what the
/// broker writes with a timeout (never a sleep).
/// </summary>
internal sealed class RawClient : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly Pipe _toBroker = new(new PipeOptions(useSynchronizationContext: false));
    private readonly Pipe _fromBroker = new(new PipeOptions(useSynchronizationContext: false));
    private readonly MqttPacketReader _reader = new();
    private readonly CancellationTokenSource _stop = new();

    public RawClient(MqttBroker broker, string transport)
    {
        var info = new MqttConnectionInfo(transport, new IPEndPoint(IPAddress.Loopback, Random.Shared.Next(1024, 65535)), null, null);
        Run = Task.Run(async () =>
        {
            try
            {
                await broker.RunConnectionAsync(new Duplex(_toBroker.Reader, _fromBroker.Writer), info, _stop.Token);
            }
            finally
            {
                // As Kestrel does when a connection handler returns: the connection is closed.
                await _fromBroker.Writer.CompleteAsync();
            }
        });
    }

    /// <summary>Completes when the broker has finished with the connection.</summary>
    public Task Run { get; }

    public MqttProtocolVersion Version
    {
        get => _reader.ProtocolVersion;
        set => _reader.ProtocolVersion = value;
    }

    public async Task SendAsync(MqttPacket packet)
    {
        MqttPacketWriter.Write(packet, Version, _toBroker.Writer);
        await _toBroker.Writer.FlushAsync();
    }

    public async Task SendBytesAsync(params byte[] bytes)
    {
        await _toBroker.Writer.WriteAsync(bytes);
    }

    /// <summary>Closes the client's sending side, as a dropped network connection would.</summary>
    public Task DropAsync() => _toBroker.Writer.CompleteAsync().AsTask();

    /// <summary>Cancels the token the broker serves this connection with, as a host ending it would; the pipes stay open.</summary>
    public Task CancelServingAsync() => _stop.CancelAsync();

    /// <summary>Connects and returns the CONNACK.</summary>
    public async Task<ConnAckPacket> ConnectAsync(string clientId, bool clean = true, MqttProtocolVersion version = MqttProtocolVersion.V311, ushort keepAlive = 0, MqttWill? will = null, string? userName = null, string? password = null)
    {
        Version = version;
        await SendAsync(new ConnectPacket
        {
            ProtocolVersion = version,
            ClientId = clientId,
            CleanSession = clean,
            KeepAlive = keepAlive,
            Will = will,
            UserName = userName,
            Password = password is null ? null : (ReadOnlyMemory<byte>?)System.Text.Encoding.UTF8.GetBytes(password),
        });
        return await ReceiveAsync<ConnAckPacket>();
    }

    /// <summary>Sends this CONNECT (any version, MQTT 5.0 properties and will properties included) and returns the CONNACK.</summary>
    public async Task<ConnAckPacket> ConnectAsync(ConnectPacket connect)
    {
        Version = connect.ProtocolVersion;
        await SendAsync(connect);
        return await ReceiveAsync<ConnAckPacket>();
    }

    /// <summary>Connects with MQTT 5.0 and returns the CONNACK.</summary>
    public Task<ConnAckPacket> Connect5Async(string clientId, bool cleanStart = true, MqttProperties? properties = null, MqttWill? will = null, ushort keepAlive = 0) =>
        ConnectAsync(new ConnectPacket
        {
            ProtocolVersion = MqttProtocolVersion.V500,
            ClientId = clientId,
            CleanSession = cleanStart,
            KeepAlive = keepAlive,
            Will = will,
            Properties = properties,
        });

    /// <summary>MQTT 5.0 SUBSCRIBE to one filter, with a Subscription Identifier when given; returns the SUBACK.</summary>
    public async Task<SubAckPacket> Subscribe5Async(string filter, MqttQualityOfService qos = MqttQualityOfService.AtMostOnce, uint? subscriptionId = null, ushort packetId = 1)
    {
        await SendAsync(new SubscribePacket
        {
            PacketId = packetId,
            Filters = [new MqttTopicFilter { Filter = filter, MaximumQoS = qos }],
            Properties = subscriptionId is { } id ? new MqttProperties { SubscriptionIdentifiers = [id] } : null,
        });
        return await ReceiveAsync<SubAckPacket>();
    }

    /// <summary>PUBLISH with MQTT 5.0 properties (and an arbitrary payload).</summary>
    public Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, MqttProperties? properties, MqttQualityOfService qos = MqttQualityOfService.AtMostOnce, ushort packetId = 0, bool retain = false) =>
        SendAsync(new PublishPacket { Topic = topic, Payload = payload, QoS = qos, PacketId = packetId, Retain = retain, Properties = properties });

    /// <summary>DISCONNECT (with a reason and properties for MQTT 5.0), then waits for the broker to finish with the connection.</summary>
    public async Task<List<MqttPacket>> DisconnectAsync(MqttReasonCode reasonCode = MqttReasonCode.Success, MqttProperties? properties = null)
    {
        await SendAsync(new DisconnectPacket { ReasonCode = reasonCode, Properties = properties });
        return await ExpectClosedAsync();
    }

    public async Task<TPacket> ReceiveAsync<TPacket>()
        where TPacket : MqttPacket
    {
        var packet = await ReceiveAsync();
        return packet as TPacket ?? throw new Xunit.Sdk.XunitException($"Expected {typeof(TPacket).Name}, got {packet?.GetType().Name ?? "the connection closing"}.");
    }

    /// <summary>The next packet, or null when the broker closed the connection.</summary>
    public async Task<MqttPacket?> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            var result = await _fromBroker.Reader.ReadAsync(timeout.Token);
            var buffer = result.Buffer;
            if (_reader.TryRead(ref buffer, out var packet))
            {
                _fromBroker.Reader.AdvanceTo(buffer.Start);
                return packet;
            }

            _fromBroker.Reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    /// <summary>The next <paramref name="count"/> raw bytes the broker wrote, for byte-exact assertions.</summary>
    public async Task<byte[]> ReceiveBytesAsync(int count)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            var result = await _fromBroker.Reader.ReadAsync(timeout.Token);
            if (result.Buffer.Length >= count)
            {
                var bytes = result.Buffer.Slice(0, count).ToArray();
                _fromBroker.Reader.AdvanceTo(result.Buffer.GetPosition(count));
                return bytes;
            }

            _fromBroker.Reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            if (result.IsCompleted)
            {
                throw new Xunit.Sdk.XunitException($"Closed after {result.Buffer.Length} of {count} bytes.");
            }
        }
    }

    /// <summary>Asserts that the broker closes the connection, after at most the packets it still had to send.</summary>
    public async Task<List<MqttPacket>> ExpectClosedAsync()
    {
        var before = new List<MqttPacket>();
        while (await ReceiveAsync() is { } packet)
        {
            before.Add(packet);
        }

        await Run.WaitAsync(Timeout);
        return before;
    }

    /// <summary>Subscribes and returns the SUBACK.</summary>
    public async Task<SubAckPacket> SubscribeAsync(string filter, MqttQualityOfService qos = MqttQualityOfService.AtMostOnce, ushort packetId = 1)
    {
        await SendAsync(new SubscribePacket { PacketId = packetId, Filters = [new MqttTopicFilter { Filter = filter, MaximumQoS = qos }] });
        return await ReceiveAsync<SubAckPacket>();
    }

    public Task PublishAsync(string topic, string payload, MqttQualityOfService qos = MqttQualityOfService.AtMostOnce, ushort packetId = 0, bool retain = false, bool dup = false) =>
        SendAsync(new PublishPacket { Topic = topic, Payload = System.Text.Encoding.UTF8.GetBytes(payload), QoS = qos, PacketId = packetId, Retain = retain, Dup = dup });

    /// <summary>
    /// PINGREQ and wait for PINGRESP. Also a barrier: the broker handles packets in order, so everything it does
    /// for earlier packets (such as arming the keep alive timer after CONNACK went out) is done when this returns.
    /// </summary>
    public async Task PingAsync()
    {
        await SendAsync(PingReqPacket.Instance);
        await ReceiveAsync<PingRespPacket>();
    }

    /// <summary>The next packet, which must be a PUBLISH.</summary>
    public Task<PublishPacket> ReceivePublishAsync() => ReceiveAsync<PublishPacket>();

    /// <summary>
    /// A packet the broker has already written, or null when none is complete yet. Never waits: used after the
    /// broker's state shows it cannot send more.
    /// </summary>
    public MqttPacket? TryReceiveNow()
    {
        if (!_fromBroker.Reader.TryRead(out var result))
        {
            return null;
        }

        var buffer = result.Buffer;
        if (_reader.TryRead(ref buffer, out var packet))
        {
            _fromBroker.Reader.AdvanceTo(buffer.Start);
            return packet;
        }

        _fromBroker.Reader.AdvanceTo(buffer.Start);
        return null;
    }

    /// <summary>
    /// Acknowledges a PUBLISH as a well-behaved client: PUBACK for QoS 1, PUBREC for QoS 2 (the PUBREL that
    /// follows is answered by <see cref="ReceiveMessageAsync"/>).
    /// </summary>
    public async Task AckAsync(PublishPacket publish)
    {
        if (publish.QoS == MqttQualityOfService.AtLeastOnce)
        {
            await SendAsync(new PubAckPacket { PacketId = publish.PacketId });
        }
        else if (publish.QoS == MqttQualityOfService.ExactlyOnce)
        {
            await SendAsync(new PubRecPacket { PacketId = publish.PacketId });
        }
    }

    /// <summary>The next PUBLISH, answering any PUBREL before it with PUBCOMP (QoS 2 exchanges interleave with messages).</summary>
    public async Task<PublishPacket> ReceiveMessageAsync()
    {
        while (true)
        {
            switch (await ReceiveAsync())
            {
                case PublishPacket publish:
                    return publish;
                case PubRelPacket rel:
                    await SendAsync(new PubCompPacket { PacketId = rel.PacketId });
                    break;
                case var other:
                    throw new Xunit.Sdk.XunitException($"Expected PublishPacket, got {other?.GetType().Name ?? "the connection closing"}.");
            }
        }
    }

    /// <summary>Subscribes to several filters in one SUBSCRIBE and returns the SUBACK.</summary>
    public async Task<SubAckPacket> SubscribeAsync(ushort packetId, params (string Filter, MqttQualityOfService QoS)[] filters)
    {
        await SendAsync(new SubscribePacket { PacketId = packetId, Filters = [.. filters.Select(f => new MqttTopicFilter { Filter = f.Filter, MaximumQoS = f.QoS })] });
        return await ReceiveAsync<SubAckPacket>();
    }

    /// <summary>Publishes QoS 1 and waits for the PUBACK, so that the message has been routed when it returns.</summary>
    public async Task PublishAckedAsync(string topic, string payload, ushort packetId, bool retain = false)
    {
        await PublishAsync(topic, payload, MqttQualityOfService.AtLeastOnce, packetId, retain);
        Assert.Equal(packetId, (await ReceiveAsync<PubAckPacket>()).PacketId);
    }

    public static string Text(PublishPacket publish) => System.Text.Encoding.UTF8.GetString(publish.Payload.Span);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _toBroker.Writer.CompleteAsync();
        // Stop reading too: a broker write loop blocked on a full pipe (a test that never read) is released.
        await _fromBroker.Reader.CompleteAsync();
        await Run.WaitAsync(Timeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
