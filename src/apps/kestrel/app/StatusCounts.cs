using System.Collections.Concurrent;
using System.Text.Json;

namespace Edgebench.KestrelApp;

/// <summary>Answers by status, for the driver's "counts" question (Kestrel's own refusals never reach middleware).</summary>
public sealed class StatusCounts
{
    private readonly ConcurrentDictionary<int, long> byStatus = new();

    public void Add(int status) => byStatus.AddOrUpdate(status, 1, (_, count) => count + 1);

    public string ToJson() => JsonSerializer.Serialize(byStatus.ToDictionary(pair => pair.Key.ToString(), pair => pair.Value));
}

/// <summary>Puts counting and the probe record outside every other step, HostFiltering's startup filter included.</summary>
public sealed class CountingStartupFilter(StatusCounts counts, ProbeRecord? record) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, following) =>
        {
            record?.Track(context);
            await following(context);
            counts.Add(context.Response.StatusCode);
        });
        next(app);
    };
}

/// <summary>
/// The driver's channel on stdin: "counts" is answered on stdout with one JSON line; the end of stdin (edgebench
/// stopped, or died) ends the app, so it never outlives the process that started it.
/// </summary>
public static class ControlChannel
{
    public static async Task ServeUntilClosed(StatusCounts counts, CancellationToken stopping)
    {
        using var input = new StreamReader(Console.OpenStandardInput());
        while (!stopping.IsCancellationRequested)
        {
            var line = await input.ReadLineAsync(stopping);
            if (line is null) return;
            if (line.Trim() == "counts")
            {
                Console.Out.WriteLine($"edgebench-counts {counts.ToJson()}");
                Console.Out.Flush();
            }
        }
    }
}
