namespace Gmqtt.AspNetCore.Tests.Operations;

/// <summary>Tests that read process-wide metrics: run after the parallel tests, with no other broker alive.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Process-wide metrics";
}
