using System.Diagnostics;
using System.Text;

namespace Gmqtt.AspNetCore.Tests.Infrastructure;

/// <summary>Runs Mosquitto's command-line clients (Debian package mosquitto-clients) as processes, with a timeout.</summary>
internal sealed class MosquittoClient : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly List<string> _lines = [];
    private readonly List<(string Text, TaskCompletionSource<string> Seen)> _waits = [];

    private MosquittoClient(string program, IEnumerable<string> arguments)
    {
        // Through stdbuf: mosquitto_sub writes with stdio, which buffers a pipe fully; line buffering lets the
        // test see "received SUBACK" while the process is still waiting for the message.
        var executable = Find(program);
        var info = new ProcessStartInfo(Find("stdbuf"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-oL");
        info.ArgumentList.Add(executable);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        Command = string.Join(' ', info.ArgumentList.Skip(1));
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data, _stdout);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data, _stderr);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Command { get; }

    public static MosquittoClient Start(string program, params IEnumerable<string> arguments) => new(program, arguments);

    /// <summary>Completes with the first output line containing <paramref name="text"/>.</summary>
    public Task<string> WaitForLineAsync(string text)
    {
        lock (_lines)
        {
            if (_lines.Find(l => l.Contains(text, StringComparison.Ordinal)) is { } line)
            {
                return Task.FromResult(line);
            }

            var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waits.Add((text, seen));
            return WithTimeout(seen.Task, $"'{text}'");
        }
    }

    /// <summary>Waits for the process to exit (killing it after the timeout) and returns its exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> WaitForExitAsync()
    {
        await WithTimeout(_process.WaitForExitAsync(), "the process to exit");
        _process.WaitForExit(); // Drains the asynchronous output readers.
        lock (_lines)
        {
            return (_process.ExitCode, $"{_stdout}{_stderr}");
        }
    }

    /// <summary>Runs to completion and asserts success.</summary>
    public static async Task<string> RunAsync(string program, params IEnumerable<string> arguments)
    {
        using var client = Start(program, arguments);
        var (exitCode, output) = await client.WaitForExitAsync();
        Assert.True(exitCode == 0, $"{client.Command} exited with {exitCode}:\n{output}");
        return output;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
    }

    private async Task<T> WithTimeout<T>(Task<T> task, string what)
    {
        try
        {
            return await task.WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"Timed out waiting for {what} from {Command}. Output so far:\n{_stdout}{_stderr}");
        }
    }

    private async Task WithTimeout(Task task, string what) => await WithTimeout(task.ContinueWith(t => { t.GetAwaiter().GetResult(); return 0; }, TaskScheduler.Default), what);

    private void OnLine(string? line, StringBuilder output)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            output.AppendLine(line);
            _lines.Add(line);
            foreach (var (text, seen) in _waits)
            {
                if (line.Contains(text, StringComparison.Ordinal))
                {
                    seen.TrySetResult(line);
                }
            }
        }
    }

    private static string Find(string program)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(directory, program);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new Xunit.Sdk.XunitException(program.StartsWith("mosquitto", StringComparison.Ordinal)
            ? $"{program} was not found on PATH. The interoperability tests need Mosquitto's clients: install them " +
              "(Debian/Ubuntu: apt-get install mosquitto-clients; the README's ./test.sh installs them)."
            : $"{program} was not found on PATH (it is part of GNU coreutils).");
    }
}
