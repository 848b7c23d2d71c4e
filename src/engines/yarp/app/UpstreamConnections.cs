using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Edgebench.Yarp;

/// <summary>
/// YARP's connections to the apps: from the source address edgebench chose (so the apps can tell their proxy apart),
/// and, when re-encrypting, verified against the run's CA and the name the app's certificate carries.
/// </summary>
public static class UpstreamConnections
{
    public static void Configure(SocketsHttpHandler handler, EdgebenchSection extras)
    {
        if (extras.SourceAddress is { } source) handler.ConnectCallback = (context, token) => Connect(IPAddress.Parse(source), context, token);
        if (extras.TrustedCaFile is { } caFile)
        {
            var ca = X509Certificate2.CreateFromPem(File.ReadAllText(caFile));
            var name = extras.UpstreamServerName ?? "localhost";
            handler.SslOptions.TargetHost = name;
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => Verify(certificate, ca, name);
        }
    }

    private static async ValueTask<Stream> Connect(IPAddress source, SocketsHttpConnectionContext context, CancellationToken token)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(context.DnsEndPoint, token);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static bool Verify(X509Certificate? presented, X509Certificate2 ca, string name)
    {
        if (presented is null) return false;
        using var certificate = new X509Certificate2(presented);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate) && certificate.MatchesHostname(name);
    }
}
