using System.Text.Json;
using System.Text.RegularExpressions;

namespace Edgebench.KestrelApp;

/// <summary>
/// The echo contract's record: every request carrying X-Edgebench-Probe: TOKEN is appended, as one JSON line
/// {token, status, host}, to the file EDGEBENCH_APP_RECORD names, before its answer leaves, so edgebench knows the app
/// answered it (and not a proxy). Kestrel's own refusals never reach middleware and are not recorded.
/// </summary>
public sealed partial class ProbeRecord(string file)
{
    private readonly object gate = new();

    public static ProbeRecord? FromEnvironment()
    {
        var file = Environment.GetEnvironmentVariable("EDGEBENCH_APP_RECORD");
        return string.IsNullOrEmpty(file) ? null : new ProbeRecord(file);
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex TokenPattern();

    /// <summary>Records the answer to this request when it carries a token: called as the response starts.</summary>
    public void Track(HttpContext context)
    {
        var token = context.Request.Headers["X-Edgebench-Probe"].ToString().Trim();
        if (!TokenPattern().IsMatch(token)) return;
        // The Host field as received, before ForwardedHeaders may rewrite it.
        string? host = context.Request.Headers.Host.Count > 0 ? context.Request.Headers.Host.ToString() : null;
        context.Response.OnStarting(() =>
        {
            var line = JsonSerializer.Serialize(new Entry(token, context.Response.StatusCode, host)) + "\n";
            lock (gate) File.AppendAllText(file, line);
            return Task.CompletedTask;
        });
    }

    private sealed record Entry(string token, int status, string? host);
}
