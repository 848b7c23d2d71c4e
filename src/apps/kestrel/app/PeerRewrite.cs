using System.Net;

namespace Edgebench.KestrelApp;

/// <summary>
/// Where peers connect from. Every client of a run is on loopback, which ForwardedHeaders' default KnownNetworks
/// (127.0.0.0/8) trusts; a real edge client is not on loopback. So a connection from any address but the proxy's
/// (Edgebench:ProxyAddresses) is seen as coming from Edgebench:ClientAddress (203.0.113.10, say) before
/// ForwardedHeaders runs, as the simulated app sees it: a forged X-Forwarded-For from a client is then believed only
/// by an app configured to trust any peer.
/// </summary>
public sealed class PeerRewrite(IPAddress clientAddress, HashSet<IPAddress> proxyAddresses)
{
    public static PeerRewrite? FromConfiguration(IConfigurationSection section)
    {
        var client = section["ClientAddress"];
        if (string.IsNullOrEmpty(client)) return null;
        var proxies = section.GetSection("ProxyAddresses").Get<string[]>() ?? [];
        return new PeerRewrite(IPAddress.Parse(client), proxies.Select(IPAddress.Parse).ToHashSet());
    }

    public Task Invoke(HttpContext context, RequestDelegate next)
    {
        var peer = context.Connection.RemoteIpAddress;
        if (peer is not null && peer.IsIPv4MappedToIPv6) peer = peer.MapToIPv4();
        if (peer is null || !proxyAddresses.Contains(peer)) context.Connection.RemoteIpAddress = clientAddress;
        return next(context);
    }
}
