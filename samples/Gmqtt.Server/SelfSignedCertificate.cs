using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gmqtt.Server;

/// <summary>A certificate for local use when the TLS endpoint has none configured.</summary>
internal static class SelfSignedCertificate
{
    private static int s_unnamed;

    /// <summary>
    /// Creates a certificate for localhost and writes its public part as PEM to the temp folder, in a file of this
    /// instance's own: named after the TLS port (<c>gmqtt-localhost-8883.pem</c>), or after the process and a counter
    /// when the port is picked at bind time (port 0), so two brokers on one machine never overwrite each other's file.
    /// </summary>
    public static X509Certificate2 CreateAndExport(int configuredPort, out string pemPath)
    {
        var certificate = Create();
        var name = configuredPort > 0
            ? $"gmqtt-localhost-{configuredPort}.pem"
            : $"gmqtt-localhost-{Environment.ProcessId}-{Interlocked.Increment(ref s_unnamed)}.pem";
        pemPath = Path.Combine(Path.GetTempPath(), name);
        File.WriteAllText(pemPath, certificate.ExportCertificatePem());
        return certificate;
    }

    public static X509Certificate2 Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
        // Round-trip through PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }
}
