namespace Gmqtt.Samples.Tests;

/// <summary>One sample app shared by a test class whose tests do not change its configuration.</summary>
public sealed class SampleFixture : IAsyncLifetime
{
    public SampleApp Sample { get; private set; } = null!;

    public async Task InitializeAsync() => Sample = await SampleApp.StartAsync();

    public async Task DisposeAsync() => await Sample.DisposeAsync();
}
