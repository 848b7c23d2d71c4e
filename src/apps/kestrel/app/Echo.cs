using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace Edgebench.KestrelApp;

/// <summary>
/// Answers an accepted request with what the app believed, in the simulated app's JSON shape (field for field), so
/// edgebench's oracle grades both alike. A field added to the simulated answer is one more Write call here.
/// </summary>
public sealed class Echo(string name, Work? work = null)
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task Invoke(HttpContext context)
    {
        var request = context.Request;
        var bodyLength = await CountBody(request.Body, context.RequestAborted);
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("app", name);
            json.WriteString("method", request.Method);
            json.WriteString("path", request.Path.Value ?? "");
            var endpoint = context.GetEndpoint()?.DisplayName;
            if (endpoint is null) json.WriteNull("endpoint");
            else json.WriteString("endpoint", endpoint);
            json.WriteString("query", request.QueryString.Value ?? "");
            json.WriteString("target", context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "");
            json.WriteString("protocol", request.Protocol);
            json.WriteString("host", request.Host.Value ?? "");
            json.WriteString("scheme", request.Scheme);
            var remote = context.Connection.RemoteIpAddress;
            if (remote is null) json.WriteNull("remoteIp");
            else json.WriteString("remoteIp", remote.ToString());
            json.WriteNumber("remotePort", context.Connection.RemotePort);
            json.WriteString("pathBase", request.PathBase.Value ?? "");
            WriteHeaders(json, request.Headers);
            json.WriteNumber("bodyLength", bodyLength);
            json.WriteEndObject();
        }
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json; charset=utf-8";
        if (work is not null)
        {
            var wait = work.SampleMs();
            if (wait > 0) await Task.Delay(TimeSpan.FromMilliseconds(wait), context.RequestAborted);
            await work.Write(context.Response, work.Pad(buffer.ToArray()), context.RequestAborted);
            return;
        }
        context.Response.ContentLength = buffer.Length;
        await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
    }

    /// <summary>Every field by lower-case name, repeated values joined with ", " as the simulated app joins them.</summary>
    private static void WriteHeaders(Utf8JsonWriter json, IHeaderDictionary headers)
    {
        var merged = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (key, values) in headers)
        {
            var lower = key.ToLowerInvariant();
            if (!merged.TryGetValue(lower, out var list)) merged[lower] = list = [];
            foreach (var value in values) if (value is not null) list.Add(value);
        }
        json.WriteStartObject("headers");
        foreach (var (key, values) in merged) json.WriteString(key, string.Join(", ", values));
        json.WriteEndObject();
    }

    private static async Task<long> CountBody(Stream body, CancellationToken cancel)
    {
        var chunk = new byte[16384];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(chunk, cancel)) > 0) total += read;
        return total;
    }
}
