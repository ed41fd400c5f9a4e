using System.Text;
using Xunit.Abstractions;

namespace Gmqtt.CrashTests;

/// <summary>
/// kill -9 at chosen moments rather than random ones: paths of the stored outbox that the random test reaches only
/// by chance. Each outbox entry of a stored session must keep a row of its own, under its own session, through a
/// restart and the kill after it; otherwise a restart loses acknowledged messages or sends one twice as new.
/// </summary>
public sealed class StoredOutboxKillTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("gmqtt-crash-");
    private readonly List<CrashPublisher> _publishers = [];
    private readonly List<CrashSubscriber> _subscribers = [];
    private readonly CancellationTokenSource _test = new(TimeSpan.FromMinutes(2));
    private BrokerProcess? _broker;
    private string[] _options = [];

    private CancellationToken Cancel => _test.Token;

    private int Port => _broker!.MqttPort;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var client in _publishers.Concat<CrashClient>(_subscribers))
        {
            await client.CloseAsync();
        }

        if (_broker is not null)
        {
            foreach (var line in _broker.TakeOutput())
            {
                output.WriteLine($"server: {line}");
            }

            await _broker.DisposeAsync();
        }

        _test.Dispose();
        try
        {
            _folder.Delete(recursive: true);
        }
        catch (IOException e)
        {
            output.WriteLine($"{_folder.FullName} not removed: {e.Message}");
        }
    }

    [Fact]
    public async Task A_backlog_restored_from_the_store_is_neither_lost_nor_duplicated_by_a_kill_while_it_drains()
    {
        // One message in flight per session: the second kill lands right after the first restored message went out.
        await StartAsync("--Gmqtt:MaxInflightMessages=1");
        var publisher = Add(new CrashPublisher("pub-q2", MqttVersion.V311, qos: 2, window: 1));
        var subscriber = Add(new CrashSubscriber("sub-q2", MqttVersion.V311, 2, _ => 2));
        Assert.False(await subscriber.ConnectAsync(Port, cleanStart: false, epoch: 0, Cancel));
        Assert.Equal(2, await subscriber.SubscribeAsync("crash/#", Cancel));
        await subscriber.DisconnectAsync(Cancel);
        Assert.False(await publisher.ConnectAsync(Port, cleanStart: false, epoch: 0, Cancel));
        await publisher.PublishAcknowledgedAsync(5, Cancel);

        // The five come back from the store as the offline session's queue.
        await KillAndRestartAsync();
        subscriber.HoldAcknowledgements = true; // Takes the first one, and its connection dies before PUBREC.
        Assert.True(await subscriber.ConnectAsync(Port, cleanStart: false, epoch: 1, Cancel));
        Assert.Empty(await subscriber.WaitForDeliveriesAsync([publisher.Acknowledged()[0]], Timeout));

        await KillAndRestartAsync();
        subscriber.HoldAcknowledgements = false;
        await AssertEachDeliveredOnceAsync(subscriber, publisher, epoch: 2);
    }

    [Fact]
    public async Task Retained_messages_sent_to_a_new_stored_session_leave_the_queues_of_other_sessions_intact()
    {
        await StartAsync();
        var publisher = Add(new CrashPublisher("pub-q1", MqttVersion.V311, qos: 1, window: 1));
        var retainer = Add(new CrashPublisher("retainer-q2", MqttVersion.V311, qos: 2, window: 1));
        var queued = Add(new CrashSubscriber("sub-offline", MqttVersion.V311, 1, _ => 1));
        var late = Add(new CrashSubscriber("sub-retained", MqttVersion.V311, 2, _ => 2));
        Assert.False(await queued.ConnectAsync(Port, cleanStart: false, epoch: 0, Cancel));
        Assert.Equal(1, await queued.SubscribeAsync("crash/#", Cancel));
        await queued.DisconnectAsync(Cancel);
        Assert.False(await publisher.ConnectAsync(Port, cleanStart: false, epoch: 0, Cancel));
        Assert.False(await retainer.ConnectAsync(Port, cleanStart: false, epoch: 0, Cancel));
        for (var i = 1; i <= 3; i++)
        {
            await retainer.PublishRetainedAsync($"crashretained/{i}", $"retained-{i}", Cancel);
        }

        // Queued for the offline session, acknowledged.
        await publisher.PublishAcknowledgedAsync(5, Cancel);

        // Another stored session subscribes where the retained messages are: they reach it as entries of its outbox,
        // each sent (QoS 2) only once committed.
        Assert.False(await late.ConnectAsync(Port, cleanStart: false, epoch: 0, Cancel));
        Assert.Equal(2, await late.SubscribeAsync("crashretained/#", Cancel));
        Assert.Empty(await late.WaitForDeliveriesAsync(["retained-1", "retained-2", "retained-3"], Timeout));

        await KillAndRestartAsync();
        await AssertEachDeliveredOnceAsync(queued, publisher, epoch: 1);
    }

    /// <summary>
    /// Reconnects <paramref name="subscriber"/> and has <paramref name="publisher"/> publish one more message: it goes
    /// behind whatever the session still holds, so once it arrives everything owed has arrived, each exactly once.
    /// </summary>
    private async Task AssertEachDeliveredOnceAsync(CrashSubscriber subscriber, CrashPublisher publisher, int epoch)
    {
        Assert.True(await subscriber.ConnectAsync(Port, cleanStart: false, epoch, Cancel), $"{subscriber.ClientId} lost its session.");
        Assert.True(await publisher.ConnectAsync(Port, cleanStart: false, epoch, Cancel), $"{publisher.ClientId} lost its session.");
        await publisher.PublishAcknowledgedAsync(1, Cancel);
        var acknowledged = publisher.Acknowledged();
        var missing = await subscriber.WaitForDeliveriesAsync(acknowledged, Timeout);
        var story = new StringBuilder();
        foreach (var id in acknowledged)
        {
            story.Append($"\n  {id}: {subscriber.Describe(id)}");
        }

        output.WriteLine($"{subscriber.ClientId}:{story}");
        Assert.True(missing.Count == 0, $"{subscriber.ClientId} never got {string.Join(", ", missing)} (acknowledged to the publisher):{story}");
        Assert.True(subscriber.Violations().Length == 0, $"{subscriber.ClientId}:\n{string.Join('\n', subscriber.Violations())}");
        Assert.All(acknowledged, id => Assert.Equal(1, subscriber.DeliveryCount(id)));
    }

    private T Add<T>(T client)
    {
        switch (client)
        {
            case CrashPublisher publisher:
                _publishers.Add(publisher);
                break;
            case CrashSubscriber subscriber:
                _subscribers.Add(subscriber);
                break;
        }

        return client;
    }

    private async Task StartAsync(params string[] options)
    {
        _options = options;
        _broker = await BrokerProcess.StartAsync(Path.Combine(_folder.FullName, "gmqtt.db"), "Commit", _folder.FullName, Timeout, options);
    }

    private async Task KillAndRestartAsync()
    {
        await _broker!.KillAsync();
        foreach (var line in _broker.TakeOutput())
        {
            output.WriteLine($"server: {line}");
        }

        await _broker.DisposeAsync();
        _broker = null;
        await StartAsync(_options);
    }
}
