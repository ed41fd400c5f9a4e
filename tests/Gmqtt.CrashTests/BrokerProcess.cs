using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Gmqtt.CrashTests;

/// <summary>
/// The sample server (samples/Gmqtt.Server) as a child process over a given SQLite file: started on free loopback
/// ports, ready once it answers a CONNECT, and killed with SIGKILL — no shutdown code runs, as in a crash.
/// </summary>
internal sealed class BrokerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private BrokerProcess(Process process, int mqttPort)
    {
        _process = process;
        MqttPort = mqttPort;
    }

    public int MqttPort { get; }

    /// <summary>The built Gmqtt.Server.dll, as the build wrote it into this assembly (see the project file).</summary>
    public static string ServerPath { get; } =
        typeof(BrokerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == "GmqttServerPath")?.Value is { Length: > 0 } path
            ? path
            : throw new InvalidOperationException("The test assembly does not say where Gmqtt.Server.dll is (target EmbedGmqttServerPath).");

    /// <summary>
    /// Starts the server over <paramref name="databasePath"/> and waits until it accepts a CONNECT, which it does only
    /// after the store is loaded. Its self-signed certificate's PEM goes to <paramref name="tempFolder"/>; configuration
    /// in <paramref name="extraArguments"/> (<c>--Gmqtt:Name=value</c>) comes last and wins.
    /// </summary>
    public static async Task<BrokerProcess> StartAsync(string databasePath, string durability, string tempFolder, TimeSpan timeout, params string[] extraArguments)
    {
        if (!File.Exists(ServerPath))
        {
            throw new InvalidOperationException($"{ServerPath} does not exist: build samples/Gmqtt.Server first.");
        }

        var (mqtt, tls, http) = FreePorts();
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = Path.GetDirectoryName(ServerPath)!, // The content root: its appsettings.json is the base configuration.
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     ServerPath,
                     $"--Gmqtt:Storage:Path={databasePath}",
                     $"--Gmqtt:Storage:Durability={durability}",
                     // Room for everything a cycle queues for an offline session: a queue-full drop would be policy, not a crash loss.
                     "--Gmqtt:MaxQueuedMessages=1000000",
                     "--Gmqtt:Admin:Enabled=false",
                     $"--Kestrel:Endpoints:Mqtt:Url=http://127.0.0.1:{mqtt}",
                     $"--Kestrel:Endpoints:MqttTls:Url=https://127.0.0.1:{tls}",
                     $"--Kestrel:Endpoints:Http:Url=http://127.0.0.1:{http}",
                     "--Logging:LogLevel:Default=Warning",
                     "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning",
                 }.Concat(extraArguments))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["TMPDIR"] = tempFolder;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(start) ?? throw new InvalidOperationException("The server did not start.");
        var broker = new BrokerProcess(process, mqtt);
        process.OutputDataReceived += (_, e) => broker.Collect(e.Data);
        process.ErrorDataReceived += (_, e) => broker.Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await broker.WaitReadyAsync(timeout);
            return broker;
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL, and wait until the process is gone (its file lock is released with it).</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>What the server wrote since the last call (warnings and errors: it logs at Warning).</summary>
    public List<string> TakeOutput()
    {
        var lines = new List<string>();
        while (_output.TryDequeue(out var line))
        {
            lines.Add(line);
        }

        return lines;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await KillAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        _process.Dispose();
    }

    private void Collect(string? line)
    {
        if (line is not null && _output.Count < 10_000)
        {
            _output.Enqueue(line);
        }
    }

    /// <summary>Polls with a CONNECT until CONNACK, bounded by <paramref name="timeout"/>; fails at once if the process exits.</summary>
    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        Exception? last = null;
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with {_process.ExitCode}:\n{string.Join('\n', TakeOutput())}");
            }

            try
            {
                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                var (socket, _) = await MqttSocket.ConnectAsync(MqttPort, MqttVersion.V311, "crash-probe", cleanStart: true, 0, attempt.Token);
                await using (socket)
                {
                    await socket.SendAsync(MqttWire.EncodeDisconnect(), attempt.Token);
                }

                return;
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                last = e;
            }

            await Task.Delay(20); // Poll interval while the server loads its store and binds.
        }

        throw new TimeoutException($"The server did not accept a CONNECT within {timeout.TotalSeconds} s ({last?.Message}):\n{string.Join('\n', TakeOutput())}");
    }

    /// <summary>Three distinct free loopback ports: bound together on port 0, then released for the server to take.</summary>
    private static (int Mqtt, int Tls, int Http) FreePorts()
    {
        var listeners = Enumerable.Range(0, 3).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners)
            {
                listener.Start();
            }

            var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
            return (ports[0], ports[1], ports[2]);
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }

    /// <summary>The dotnet host running the tests (the CLI says which), else the one on the PATH.</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        return Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }
}
