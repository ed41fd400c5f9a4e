using System.Globalization;
using Gmqtt.AspNetCore.Tests.Infrastructure;

namespace Gmqtt.AspNetCore.Tests;

/// <summary>The sample's self-signed TLS certificate: each instance writes its PEM to a file of its own.</summary>
public class SelfSignedCertificateTests
{
    [Fact]
    public async Task Two_instances_write_their_own_pem_and_each_file_verifies_only_its_own_server()
    {
        var first = new ServerFixture();
        var second = new ServerFixture();
        await first.InitializeAsync();
        await second.InitializeAsync();
        try
        {
            var firstPem = first.Endpoints.SelfSignedCertificatePem;
            var secondPem = second.Endpoints.SelfSignedCertificatePem;
            Assert.NotNull(firstPem);
            Assert.NotNull(secondPem);
            Assert.NotEqual(firstPem, secondPem);

            // An independent TLS client (mosquitto_pub) trusts each server through that server's own file...
            await Publish(first, firstPem);
            await Publish(second, secondPem);

            // ...and not through the other's: the two files hold two different certificates.
            using var crossed = MosquittoClient.Start("mosquitto_pub", Arguments(second, firstPem));
            var (exitCode, output) = await crossed.WaitForExitAsync();
            Assert.True(exitCode != 0, $"mosquitto_pub verified the second server with the first server's PEM:\n{output}");
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
        }
    }

    private static Task<string> Publish(ServerFixture server, string caFile) =>
        MosquittoClient.RunAsync("mosquitto_pub", Arguments(server, caFile));

    private static string[] Arguments(ServerFixture server, string caFile) =>
    [
        "-h", "localhost", "-p", server.Endpoints.MqttTlsPort.ToString(CultureInfo.InvariantCulture),
        "--cafile", caFile, "-i", $"pem-{server.Endpoints.MqttTlsPort}", "-t", "pem/check", "-m", "x", "-q", "1",
    ];
}
