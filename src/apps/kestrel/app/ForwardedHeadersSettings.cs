using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Edgebench.KestrelApp;

/// <summary>
/// ForwardedHeadersOptions from the settings' ForwardedHeaders section; null when the section is absent (the
/// middleware is then not in the pipeline). A list given replaces the framework's default; ForwardLimit "none" is null.
/// </summary>
public static class ForwardedHeadersSettings
{
    public static ForwardedHeadersOptions? FromConfiguration(IConfigurationSection section)
    {
        if (!section.Exists()) return null;
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = Enum.Parse<ForwardedHeaders>(section["ForwardedHeaders"] ?? "None"),
            RequireHeaderSymmetry = section.GetValue("RequireHeaderSymmetry", false),
        };
        var limit = section["ForwardLimit"];
        if (limit is not null) options.ForwardLimit = limit == "none" ? null : int.Parse(limit);
        var proxies = section.GetSection("KnownProxies");
        if (proxies.Exists())
        {
            options.KnownProxies.Clear();
            foreach (var proxy in proxies.Get<string[]>() ?? []) options.KnownProxies.Add(IPAddress.Parse(proxy));
        }
        var networks = section.GetSection("KnownNetworks");
        if (networks.Exists())
        {
            options.KnownIPNetworks.Clear();
            foreach (var network in networks.Get<string[]>() ?? []) options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }
        foreach (var host in section.GetSection("AllowedHosts").Get<string[]>() ?? []) options.AllowedHosts.Add(host);
        return options;
    }
}
