namespace Edgebench.KestrelApp;

/// <summary>
/// The work the app does per served request, as the simulated app does it (apps[].work): a service time (fixed,
/// uniform or log-normal with a median and a p99), an answer padded to a size, and answers streamed in chunks.
/// </summary>
public sealed class Work
{
    /// <summary>The 99th percentile of the standard normal distribution.</summary>
    private const double Z99 = 2.3263478740408408;

    public string Distribution { get; init; } = "none";
    public double Ms { get; init; }
    public double MinMs { get; init; }
    public double MaxMs { get; init; }
    public double MedianMs { get; init; }
    public double P99Ms { get; init; }
    public int AnswerBytes { get; init; }
    public int Chunks { get; init; } = 1;
    public double ChunkDelayMs { get; init; }

    public static Work? FromConfiguration(IConfigurationSection section) => section.Exists() ? section.Get<Work>() : null;

    /// <summary>One service time in milliseconds (0: none).</summary>
    public double SampleMs()
    {
        switch (Distribution)
        {
            case "fixed":
                return Ms;
            case "uniform":
                return MinMs + Random.Shared.NextDouble() * (MaxMs - MinMs);
            case "lognormal":
                var sigma = (Math.Log(P99Ms) - Math.Log(MedianMs)) / Z99;
                var u = 1 - Random.Shared.NextDouble();
                var normal = Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * Random.Shared.NextDouble());
                return Math.Exp(Math.Log(MedianMs) + sigma * normal);
            default:
                return 0;
        }
    }

    /// <summary>The JSON answer grown to AnswerBytes with a "padding" field of spaces, so it stays JSON.</summary>
    public byte[] Pad(byte[] json)
    {
        const string framing = ",\"padding\":\"\"";
        var missing = AnswerBytes - json.Length - framing.Length;
        if (missing < 0 || json.Length == 0 || json[^1] != (byte)'}') return json;
        var padded = new byte[AnswerBytes];
        json.AsSpan(0, json.Length - 1).CopyTo(padded);
        var at = json.Length - 1;
        at += System.Text.Encoding.ASCII.GetBytes(",\"padding\":\"", padded.AsSpan(at));
        padded.AsSpan(at, missing).Fill((byte)' ');
        at += missing;
        padded[at] = (byte)'"';
        padded[at + 1] = (byte)'}';
        return padded;
    }

    /// <summary>Writes the answer: at once with its length, or in Chunks pieces ChunkDelayMs apart (chunked framing).</summary>
    public async Task Write(HttpResponse response, byte[] body, CancellationToken cancel)
    {
        if (Chunks <= 1)
        {
            response.ContentLength = body.Length;
            await response.Body.WriteAsync(body, cancel);
            return;
        }
        var size = (body.Length + Chunks - 1) / Chunks;
        for (var offset = 0; offset < body.Length; offset += size)
        {
            if (offset > 0) await Task.Delay(TimeSpan.FromMilliseconds(ChunkDelayMs), cancel);
            await response.Body.WriteAsync(body.AsMemory(offset, Math.Min(size, body.Length - offset)), cancel);
            await response.Body.FlushAsync(cancel);
        }
    }
}
