namespace Edgebench.Yarp;

/// <summary>
/// Requests no YARP route matched: a Host outside the allowlist gets UnroutedHostStatus (421 from edgebench's
/// configuration), an allowed Host on a path no route exposes gets UnroutedPathStatus (404).
/// </summary>
public static class UnroutedRequests
{
    public static Func<HttpContext, RequestDelegate, Task> Answer(EdgebenchSection extras) => (context, next) =>
    {
        if (context.GetEndpoint() is not null) return next(context);
        var allowed = extras.AllowedHosts is null || HostAllowed(context.Request.Host.Host, extras.AllowedHosts);
        context.Response.StatusCode = allowed ? extras.UnroutedPathStatus : extras.UnroutedHostStatus;
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    };

    /// <summary>HostFiltering's patterns: exact (any case), `*.suffix` at any depth, or `*`.</summary>
    private static bool HostAllowed(string host, string[] patterns) => patterns.Any(pattern =>
        pattern == "*"
        || (pattern.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase) && host.Length > pattern.Length - 1
            : string.Equals(host, pattern, StringComparison.OrdinalIgnoreCase)));
}
