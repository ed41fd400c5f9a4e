using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace Gmqtt.CrashTests;

/// <summary>
/// The durability promise, tested the way it is made: the sample server in a child process over one SQLite file,
/// publishers at QoS 1 and 2 to persistent subscribers (some online, some offline, some draining a backlog restored
/// from the store), kill -9 at a random moment, restart, reconnect. Every message whose PUBACK / PUBREC the publisher
/// received must reach every persistent subscriber — QoS 1 at least once, QoS 2 exactly once to the application — and
/// the retained messages and the subscriptions must be intact. <see cref="Cycles"/> kills per durability mode, each at
/// another moment, checked after each.
/// </summary>
/// <remarks>
/// <c>GMQTT_CRASH_SEED</c> replays the kill delays of a run (it prints its seed; thread timing still varies);
/// <c>GMQTT_CRASH_CYCLES</c> sets the number of kills per mode (a soak: 50); <c>GMQTT_CRASH_KEEP=1</c> keeps the
/// database for inspection.
/// </remarks>
public sealed class KillRecoveryTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static readonly int Cycles = int.TryParse(Environment.GetEnvironmentVariable("GMQTT_CRASH_CYCLES"), CultureInfo.InvariantCulture, out var cycles) ? cycles : 10;

    private const string Filter = "crash/#";
    private const string RetainedRoot = "crashretained/";

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("gmqtt-crash-");
    private readonly List<CrashPublisher> _publishers = [];
    private readonly List<CrashSubscriber> _subscribers = [];
    private BrokerProcess? _broker;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var client in _publishers.Concat<CrashClient>(_subscribers))
        {
            await client.CloseAsync();
        }

        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }

        if (Environment.GetEnvironmentVariable("GMQTT_CRASH_KEEP") == "1")
        {
            output.WriteLine($"kept {_folder.FullName} (GMQTT_CRASH_KEEP)");
            return;
        }

        try
        {
            _folder.Delete(recursive: true);
        }
        catch (IOException e)
        {
            output.WriteLine($"{_folder.FullName} not removed: {e.Message}");
        }
    }

    [Theory]
    [InlineData("Commit")]
    [InlineData("Fsync")]
    public async Task Every_acknowledged_message_reaches_every_persistent_subscriber_across_kill_9(string durability)
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("GMQTT_CRASH_SEED"), CultureInfo.InvariantCulture, out var s) ? s : Random.Shared.Next();
        var random = new Random(seed);
        output.WriteLine($"{durability}: seed {seed} (GMQTT_CRASH_SEED), {Cycles} kills, server {BrokerProcess.ServerPath}");
        var database = Path.Combine(_folder.FullName, "gmqtt.db");
        using var test = new CancellationTokenSource(TimeSpan.FromSeconds(60 + (15 * Cycles))); // Everything, bounded.
        var cancel = test.Token;
        _broker = await StartBrokerAsync(database, durability);

        // Publishers: both protocol versions at both QoS levels, each to a topic of its own under crash/.
        _publishers.AddRange(
        [
            new CrashPublisher("pub-311-q1", MqttVersion.V311, qos: 1, window: 8),
            new CrashPublisher("pub-500-q1", MqttVersion.V500, qos: 1, window: 8),
            new CrashPublisher("pub-311-q2", MqttVersion.V311, qos: 2, window: 8),
            new CrashPublisher("pub-500-q2", MqttVersion.V500, qos: 2, window: 8),
        ]);
        int QoSOf(string topic) => _publishers.Single(p => p.Topic == topic).QoS;

        // Persistent subscribers, subscribed once here and never again. Online: connected at every kill. Offline:
        // connected only between a restart and the next cycle's publishing, so all they get comes from the store.
        // Draining: offline at one kill and left offline after it, then connected as the next cycle publishes, so
        // that kill lands while they drain a backlog the broker restored from the store.
        CrashSubscriber[] online =
        [
            new("sub-online-311-q2", MqttVersion.V311, 2, QoSOf),
            new("sub-online-500-q2", MqttVersion.V500, 2, QoSOf),
            new("sub-online-500-q1", MqttVersion.V500, 1, QoSOf),
        ];
        CrashSubscriber[] offline =
        [
            new("sub-offline-311-q2", MqttVersion.V311, 2, QoSOf),
            new("sub-offline-500-q2", MqttVersion.V500, 2, QoSOf),
            new("sub-offline-311-q1", MqttVersion.V311, 1, QoSOf),
        ];
        CrashSubscriber[] draining =
        [
            new("sub-draining-311-q2", MqttVersion.V311, 2, QoSOf),
            new("sub-draining-500-q2", MqttVersion.V500, 2, QoSOf),
        ];
        _subscribers.AddRange([.. online, .. offline, .. draining]);
        foreach (var subscriber in _subscribers)
        {
            Assert.False(await subscriber.ConnectAsync(_broker.MqttPort, NewPersistentSession(subscriber.Version), epoch: 0, cancel));
            Assert.Equal(subscriber.SubscriptionQoS, await subscriber.SubscribeAsync(Filter, cancel));
        }

        foreach (var subscriber in offline.Concat(draining))
        {
            await subscriber.DisconnectAsync(cancel);
        }

        foreach (var publisher in _publishers)
        {
            Assert.False(await publisher.ConnectAsync(_broker.MqttPort, NewPersistentSession(publisher.Version), epoch: 0, cancel));
        }

        // Retained messages set before the first kill, plus one updated (and acknowledged) before each kill.
        var retained = new Dictionary<string, string>(StringComparer.Ordinal);
        var retainer = _publishers[0];
        for (var i = 1; i <= 3; i++)
        {
            await retainer.PublishRetainedAsync($"{RetainedRoot}{i}", $"retained-{i}", cancel);
            retained[$"{RetainedRoot}{i}"] = $"retained-{i}";
        }

        for (var cycle = 1; cycle <= Cycles; cycle++)
        {
            await retainer.PublishRetainedAsync($"{RetainedRoot}rolling", $"cycle-{cycle}", cancel);
            retained[$"{RetainedRoot}rolling"] = $"cycle-{cycle}";

            // Odd cycles: the draining group stays offline through the kill and the check after it. Even cycles: it
            // comes back to its restored backlog as publishing starts, is killed mid-drain, and is checked after.
            var drainingThisCycle = cycle % 2 == 0 || cycle == Cycles;
            if (drainingThisCycle)
            {
                foreach (var subscriber in draining)
                {
                    Assert.True(await subscriber.ConnectAsync(_broker.MqttPort, cleanStart: false, epoch: cycle - 1, cancel), $"cycle {cycle}: {subscriber.ClientId} lost its session.");
                }
            }

            // Publish flat out; kill at a random moment.
            var deliveriesBefore = _subscribers.ToDictionary(x => x, x => (x.Deliveries, x.DuplicatesSuppressed));
            var ackedBefore = _publishers.ToDictionary(p => p, p => p.AcknowledgedCount);
            var sentBefore = _publishers.Sum(p => p.Sent);
            var killAfter = random.Next(50, 401);
            var killedAt = Stopwatch.StartNew();
            using (var stop = new CancellationTokenSource())
            {
                var publishing = _publishers.Select(p => p.PublishUntilAsync(stop.Token)).ToArray();
                // The kill moment: a random delay, but never before every publisher had an acknowledgement this
                // cycle, so that each kill has acknowledged messages at both QoS levels behind it.
                var everyoneAcknowledged = Task.WhenAll(_publishers.Select(p => p.WhenAcknowledged(ackedBefore[p] + 1)));
                await Task.WhenAll(Task.Delay(killAfter, cancel), everyoneAcknowledged.WaitAsync(Timeout, cancel));
                await _broker.KillAsync();
                killedAt.Stop();
                await stop.CancelAsync();
                await Task.WhenAll(publishing).WaitAsync(Timeout, cancel);
            }

            var ackedQoS1 = _publishers.Where(p => p.QoS == 1).Sum(p => p.AcknowledgedCount - ackedBefore[p]);
            var ackedQoS2 = _publishers.Where(p => p.QoS == 2).Sum(p => p.AcknowledgedCount - ackedBefore[p]);
            var openAtKill = _publishers.Sum(p => p.InflightCount);
            var sent = _publishers.Sum(p => p.Sent) - sentBefore;
            var brokerOutput = _broker.TakeOutput();
            await _broker.DisposeAsync();

            Assert.True(ackedQoS1 > 0 && ackedQoS2 > 0, $"cycle {cycle}: only {ackedQoS1} QoS 1 and {ackedQoS2} QoS 2 acknowledgements before the kill at {killedAt.ElapsedMilliseconds} ms.");

            var restart = Stopwatch.StartNew();
            _broker = await StartBrokerAsync(database, durability);
            restart.Stop();

            // Everyone checked this cycle comes back to the session it had; nobody subscribes again.
            CrashSubscriber[] checkedNow = drainingThisCycle ? [.. online, .. offline, .. draining] : [.. online, .. offline];
            foreach (var subscriber in checkedNow)
            {
                Assert.True(await subscriber.ConnectAsync(_broker.MqttPort, cleanStart: false, epoch: cycle, cancel), $"cycle {cycle}: {subscriber.ClientId} lost its session.");
            }

            var resentBefore = _publishers.Sum(p => p.Resent);
            foreach (var publisher in _publishers)
            {
                Assert.True(await publisher.ConnectAsync(_broker.MqttPort, cleanStart: false, epoch: cycle, cancel), $"cycle {cycle}: {publisher.ClientId} lost its session.");
                await publisher.ResendAsync(cancel);
            }

            foreach (var publisher in _publishers)
            {
                await publisher.WaitIdleAsync(Timeout);
            }

            // Published after the restart: reaches the subscribers only through the subscriptions the store kept.
            foreach (var publisher in _publishers)
            {
                await publisher.PublishAcknowledgedAsync(3, cancel);
            }

            var acknowledged = _publishers.SelectMany(p => p.Acknowledged()).ToList();
            foreach (var subscriber in checkedNow)
            {
                var missing = await subscriber.WaitForDeliveriesAsync(acknowledged, Timeout);
                Assert.True(missing.Count == 0, Lost(cycle, subscriber, missing, [.. brokerOutput, .. _broker.TakeOutput()]));
            }

            foreach (var subscriber in _subscribers)
            {
                var violations = subscriber.Violations();
                Assert.True(violations.Length == 0, $"cycle {cycle}: {subscriber.ClientId}:\n{string.Join('\n', violations.Take(20))}");
            }

            await AssertRetainedAsync(cycle, retained, cancel);

            foreach (var subscriber in drainingThisCycle ? [.. offline, .. draining] : offline)
            {
                await subscriber.DisconnectAsync(cancel);
            }

            output.WriteLine(
                $"cycle {cycle,2}: kill at {killedAt.ElapsedMilliseconds,3} ms{(drainingThisCycle ? " (draining group mid-backlog)" : "")}, {sent} sent, acknowledged before the kill {ackedQoS1 + ackedQoS2} " +
                $"(QoS 1 {ackedQoS1}, QoS 2 {ackedQoS2}), open at kill {openAtKill}, re-sent {_publishers.Sum(p => p.Resent) - resentBefore}, restart {restart.ElapsedMilliseconds} ms; " +
                $"total acknowledged {acknowledged.Count}; delivered this cycle: " +
                string.Join(", ", _subscribers.Select(x => $"{x.ClientId} +{x.Deliveries - deliveriesBefore[x].Deliveries}" +
                    (x.DuplicatesSuppressed > deliveriesBefore[x].DuplicatesSuppressed ? $" ({x.DuplicatesSuppressed - deliveriesBefore[x].DuplicatesSuppressed} re-sent, suppressed)" : ""))));
            foreach (var line in brokerOutput.Concat(_broker.TakeOutput()).Take(10))
            {
                output.WriteLine($"  server: {line}");
            }
        }

        Assert.All(_publishers, p => Assert.Equal(0, p.UnexpectedAcks));
        output.WriteLine($"{durability}: {Cycles} kills, {_publishers.Sum(p => p.AcknowledgedCount)} messages acknowledged, " +
                         $"{_subscribers.Sum(x => x.Deliveries)} deliveries, {_subscribers.Sum(x => x.DuplicatesSuppressed)} QoS 2 re-deliveries suppressed by packet id.");
    }

    /// <summary>
    /// The Clean Start flag that begins a persistent session: 0 in 3.1.1 (Clean Session 1 would end it with the
    /// connection); 1 in 5.0, where the Session Expiry Interval (3600 s here) is what makes it outlive the connection.
    /// </summary>
    private static bool NewPersistentSession(MqttVersion version) => version == MqttVersion.V500;

    private async Task<BrokerProcess> StartBrokerAsync(string database, string durability) =>
        await BrokerProcess.StartAsync(database, durability, _folder.FullName, Timeout);

    /// <summary>A new clean-session client subscribing to the retained topics gets exactly the retained values, flagged RETAIN.</summary>
    private async Task AssertRetainedAsync(int cycle, Dictionary<string, string> expected, CancellationToken cancellationToken)
    {
        var (socket, _) = await MqttSocket.ConnectAsync(_broker!.MqttPort, MqttVersion.V311, $"retained-check-{cycle}", cleanStart: true, 0, cancellationToken);
        await using (socket)
        {
            await socket.SendAsync(MqttWire.EncodeSubscribe(MqttVersion.V311, 1, RetainedRoot + "#", 1), cancellationToken);
            var received = new Dictionary<string, string>(StringComparer.Ordinal);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(Timeout);
            while (received.Count < expected.Count)
            {
                var frame = await socket.ReadAsync(deadline.Token) ?? throw new IOException("The broker closed the retained check's connection.");
                if (frame.Type != MqttWire.Publish)
                {
                    continue;
                }

                var publish = MqttWire.DecodePublish(frame, MqttVersion.V311);
                Assert.True(publish.Retain, $"cycle {cycle}: {publish.Topic} arrived without RETAIN after SUBSCRIBE.");
                received[publish.Topic] = Encoding.UTF8.GetString(publish.Payload);
                if (publish.QoS > 0)
                {
                    await socket.SendAsync(MqttWire.EncodeAck(MqttWire.PubAck, publish.PacketId), cancellationToken);
                }
            }

            Assert.Equal(expected.OrderBy(e => e.Key), received.OrderBy(e => e.Key));
            await socket.SendAsync(MqttWire.EncodeDisconnect(), cancellationToken);
        }
    }

    private string Lost(int cycle, CrashSubscriber subscriber, List<string> missing, List<string> brokerOutput)
    {
        var text = new StringBuilder($"cycle {cycle}: {missing.Count} acknowledged messages never reached {subscriber.ClientId}:");
        foreach (var id in missing.Take(10))
        {
            var publisher = _publishers.Single(p => id.StartsWith(p.ClientId + "/", StringComparison.Ordinal));
            text.Append(CultureInfo.InvariantCulture, $"\n  {publisher.Describe(id)}; at the other subscribers: ");
            text.AppendJoin(", ", _subscribers.Where(x => x != subscriber).Select(x => $"{x.ClientId}: {x.Describe(id)}"));
        }

        text.Append(CultureInfo.InvariantCulture, $"\nserver output (warnings and errors):\n{string.Join('\n', brokerOutput.TakeLast(30))}");
        return text.ToString();
    }
}
