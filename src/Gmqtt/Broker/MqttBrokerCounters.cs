using Gmqtt.Hooks;
using Gmqtt.Protocol;

namespace Gmqtt.Broker;

/// <summary>
/// The broker's event counters: drops by <see cref="MqttDropReason"/>, connect and authentication failures by reason
/// code, connections and CONNECTs. Rare events, counted with interlocked increments; the connection registry, the
/// router and the session manager count into the one instance the broker owns. Traffic is not here: it is counted per
/// connection without synchronisation and summed on demand (<see cref="MqttBroker.GetTraffic"/>).
/// </summary>
internal sealed class MqttBrokerCounters
{
    private readonly long[] _drops = new long[Enum.GetValues<MqttDropReason>().Length];
    private readonly long[] _connectFailures = new long[256];
    private readonly long[] _authFailures = new long[256];
    private long _connectionsOpened;
    private long _connectsReceived;
    private int _maxConnections;

    /// <summary>Network connections accepted since start (Mosquitto's "sockets").</summary>
    public long ConnectionsOpened => Volatile.Read(ref _connectionsOpened);

    /// <summary>CONNECT packets received since start.</summary>
    public long ConnectsReceived => Volatile.Read(ref _connectsReceived);

    /// <summary>The most connections open at once since start.</summary>
    public int MaxConnections => Volatile.Read(ref _maxConnections);

    /// <summary>Drops so far, all reasons.</summary>
    public long TotalDrops => Sum(_drops);

    /// <summary>Failing CONNACKs so far, all reason codes.</summary>
    public long TotalConnectFailures => Sum(_connectFailures);

    /// <summary>Authentication failures so far, all reason codes.</summary>
    public long TotalAuthFailures => Sum(_authFailures);

    /// <summary>A connection was accepted (once per connection, not per message); <paramref name="open"/> are open now.</summary>
    public void CountConnectionOpened(int open)
    {
        Interlocked.Increment(ref _connectionsOpened);
        var max = Volatile.Read(ref _maxConnections);
        while (open > max && Interlocked.CompareExchange(ref _maxConnections, open, max) is var seen && seen != max)
        {
            max = seen;
        }
    }

    public void CountConnect() => Interlocked.Increment(ref _connectsReceived);

    public void CountDrop(MqttDropReason reason) => Interlocked.Increment(ref _drops[(int)reason]);

    public void CountDrops(MqttDropReason reason, int count)
    {
        if (count > 0)
        {
            Interlocked.Add(ref _drops[(int)reason], count);
        }
    }

    /// <summary>A CONNECT answered with a failing CONNACK; an authentication failure too when <paramref name="authFailure"/>.</summary>
    public void CountConnectFailure(MqttReasonCode code, bool authFailure)
    {
        Interlocked.Increment(ref _connectFailures[(byte)code]);
        if (authFailure)
        {
            CountAuthFailure(code);
        }
    }

    public void CountAuthFailure(MqttReasonCode code) => Interlocked.Increment(ref _authFailures[(byte)code]);

    /// <summary>Drops so far, by reason.</summary>
    public long GetDrops(MqttDropReason reason) => Volatile.Read(ref _drops[(int)reason]);

    /// <summary>Each reason code with its count, for those that occurred.</summary>
    public IEnumerable<(MqttReasonCode Code, long Count)> GetConnectFailures() => NonZero(_connectFailures);

    /// <summary>Each reason code with its count, for those that occurred.</summary>
    public IEnumerable<(MqttReasonCode Code, long Count)> GetAuthFailures() => NonZero(_authFailures);

    private static IEnumerable<(MqttReasonCode, long)> NonZero(long[] counts)
    {
        for (var code = 0; code < counts.Length; code++)
        {
            var count = Volatile.Read(ref counts[code]);
            if (count > 0)
            {
                yield return ((MqttReasonCode)code, count);
            }
        }
    }

    private static long Sum(long[] counts)
    {
        long total = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            total += Volatile.Read(ref counts[i]);
        }

        return total;
    }
}
