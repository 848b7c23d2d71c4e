namespace Edgebench.Yarp;

/// <summary>
/// Requests no YARP route matched: a Host outside the allowlist gets UnroutedHostStatus (421 from edgebench's
/// configuration), an allowed Host on a path no route exposes gets UnroutedPathStatus (404). With
/// OneLabelHosts (every Host pattern routed), a routed Host deeper than one label under a `*.suffix` pattern is refused too: ASP.NET Core's
/// Host matching, which YARP's routes use, takes `*.suffix` at any depth.
/// </summary>
public static class UnroutedRequests
{
    public static Func<HttpContext, RequestDelegate, Task> Answer(EdgebenchSection extras) => (context, next) =>
    {
        var host = context.Request.Host.Host;
        if (context.GetEndpoint() is not null)
        {
            if (extras.OneLabelHosts is null || HostAllowed(host, extras.OneLabelHosts, oneLabel: true)) return next(context);
            return Refuse(context, extras.UnroutedHostStatus);
        }
        var allowed = extras.AllowedHosts is null || HostAllowed(host, extras.AllowedHosts, oneLabel: false);
        return Refuse(context, allowed ? extras.UnroutedPathStatus : extras.UnroutedHostStatus);
    };

    private static Task Refuse(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    /// <summary>HostFiltering's patterns: exact (any case), `*.suffix` (one label deep or any), or `*`.</summary>
    private static bool HostAllowed(string host, string[] patterns, bool oneLabel) => patterns.Any(pattern =>
    {
        if (pattern == "*") return true;
        if (!pattern.StartsWith("*.", StringComparison.Ordinal)) return string.Equals(host, pattern, StringComparison.OrdinalIgnoreCase);
        var suffix = pattern[1..];
        if (!host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) || host.Length <= suffix.Length) return false;
        return !oneLabel || !host[..^suffix.Length].Contains('.');
    });
}
