using Gmqtt.AspNetCore.Tests.Infrastructure;
using Gmqtt.Server;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Gmqtt.AspNetCore.Tests;

/// <summary>The sample broker with a TLS certificate of the test's making, whose PEM Mosquitto's clients trust.</summary>
public sealed class MosquittoServerFixture : ServerFixture, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gmqtt-mosquitto-").FullName;

    public MosquittoServerFixture()
    {
        // A certificate from configuration, as a deployment has: the Mosquitto clients read it from this PEM.
        using var certificate = SelfSignedCertificate.Create();
        var pfx = Path.Combine(_directory, "server.pfx");
        CaFile = Path.Combine(_directory, "server.pem");
        File.WriteAllBytes(pfx, certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12));
        File.WriteAllText(CaFile, certificate.ExportCertificatePem());
        ExtraArgs = [$"--Kestrel:Endpoints:MqttTls:Certificate:Path={pfx}"];
    }

    /// <summary>The server certificate's PEM, for <c>--cafile</c>.</summary>
    public string CaFile { get; }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

/// <summary>mosquitto_pub and mosquitto_sub against the broker's TCP and TLS ports, with MQTTnet on the other side.</summary>
public class MosquittoInteropTests(MosquittoServerFixture server) : IClassFixture<MosquittoServerFixture>
{
    public static TheoryData<string, MqttProtocolVersion> Transports => new()
    {
        { "tcp", MqttProtocolVersion.V311 },
        { "tcp", MqttProtocolVersion.V500 },
        { "tls", MqttProtocolVersion.V311 },
        { "tls", MqttProtocolVersion.V500 },
    };

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task mosquitto_sub_receives_what_an_MQTTnet_client_publishes(string transport, MqttProtocolVersion version)
    {
        var topic = $"mosquitto/sub/{transport}/{version}";
        using var sub = MosquittoClient.Start("mosquitto_sub",
        [
            .. Connection(transport, version, $"mosq-sub-{transport}-{version}"),
            "-t", topic, "-q", "1", "-C", "1", "-W", "15", "-d", "-F", "message topic=%t qos=%q retain=%r payload=%p",
        ]);
        await sub.WaitForLineAsync("received SUBACK");

        using var publisher = await MqttnetClient.ConnectAsync(MqttnetClient.Options(server, transport, version, $"mosq-sub-pub-{transport}-{version}").Build());
        await publisher.PublishAsync(topic, "from MQTTnet", MqttQualityOfServiceLevel.AtLeastOnce);

        var line = await sub.WaitForLineAsync("message ");
        Assert.Equal($"message topic={topic} qos=1 retain=0 payload=from MQTTnet", line);
        var (exitCode, output) = await sub.WaitForExitAsync();
        Assert.True(exitCode == 0, output);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task MQTTnet_client_receives_what_mosquitto_pub_publishes(string transport, MqttProtocolVersion version)
    {
        var topic = $"mosquitto/pub/{transport}/{version}";
        using var subscriber = await MqttnetClient.ConnectAsync(MqttnetClient.Options(server, transport, version, $"mosq-pub-sub-{transport}-{version}").Build());
        await subscriber.SubscribeAsync(topic, MqttQualityOfServiceLevel.ExactlyOnce);

        await MosquittoClient.RunAsync("mosquitto_pub", [.. Connection(transport, version, $"mosq-pub-{transport}-{version}"), "-t", topic, "-q", "2", "-m", "from mosquitto_pub"]);

        var message = await subscriber.ReceiveAsync();
        Assert.Equal(topic, message.Topic);
        Assert.Equal("from mosquitto_pub", message.ConvertPayloadToString());
        Assert.Equal(MqttQualityOfServiceLevel.ExactlyOnce, message.QualityOfServiceLevel);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task mosquitto_sub_receives_a_message_mosquitto_pub_retained(string transport, MqttProtocolVersion version)
    {
        var topic = $"mosquitto/retained/{transport}/{version}";
        await MosquittoClient.RunAsync("mosquitto_pub", [.. Connection(transport, version, $"mosq-ret-pub-{transport}-{version}"), "-t", topic, "-q", "1", "-r", "-m", "retained"]);

        using var sub = MosquittoClient.Start("mosquitto_sub",
            [.. Connection(transport, version, $"mosq-ret-sub-{transport}-{version}"), "-t", topic, "-q", "1", "-C", "1", "-W", "15", "-F", "qos=%q retain=%r payload=%p"]);
        var (exitCode, output) = await sub.WaitForExitAsync();

        // Sent to the new subscription with RETAIN set [MQTT-3.3.1-6] (5.0: [MQTT-3.3.1-8]).
        Assert.True(exitCode == 0, output);
        Assert.Equal("qos=1 retain=1 payload=retained", output.Trim());
        await MosquittoClient.RunAsync("mosquitto_pub", [.. Connection(transport, version, $"mosq-ret-clear-{transport}-{version}"), "-t", topic, "-q", "1", "-r", "-n"]);
    }

    private string[] Connection(string transport, MqttProtocolVersion version, string clientId)
    {
        string[] common = ["-h", "127.0.0.1", "-i", clientId, "-V", version == MqttProtocolVersion.V500 ? "mqttv5" : "mqttv311"];
        return transport == "tls"
            ? [.. common, "-p", server.Endpoints.MqttTlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cafile", server.CaFile]
            : [.. common, "-p", server.Endpoints.MqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture)];
    }
}
