// The real ASP.NET Core app under test. Everything it does comes from configuration (the run's settings file, given
// as --settings, read by ASP.NET Core's own configuration): AllowedHosts and HostFiltering, Kestrel's endpoint,
// ForwardedHeaders. Pipeline: status counting, HostFiltering (the default builder's startup filter), the peer step,
// ForwardedHeaders, then the echo of what the app believed.
using Edgebench.KestrelApp;
using Microsoft.AspNetCore.HostFiltering;

var builder = WebApplication.CreateBuilder(args);
var settingsFile = builder.Configuration["settings"];
if (settingsFile is not null) builder.Configuration.AddJsonFile(settingsFile, optional: false, reloadOnChange: false);
var config = builder.Configuration;

var counts = new StatusCounts();
var record = ProbeRecord.FromEnvironment();
builder.Services.Insert(0, ServiceDescriptor.Transient<IStartupFilter>(_ => new CountingStartupFilter(counts, record)));
builder.Services.Configure<HostFilteringOptions>(config.GetSection("HostFiltering"));
builder.WebHost.ConfigureKestrel(options =>
{
    options.AddServerHeader = config.GetValue("Kestrel:AddServerHeader", true);
    options.AllowHostHeaderOverride = config.GetValue("Kestrel:AllowHostHeaderOverride", false);
});

var app = builder.Build();
var peers = PeerRewrite.FromConfiguration(config.GetSection("Edgebench"));
if (peers is not null) app.Use(peers.Invoke);
var forwarded = ForwardedHeadersSettings.FromConfiguration(config.GetSection("ForwardedHeaders"));
if (forwarded is not null) app.UseForwardedHeaders(forwarded);
// Routing picks among the internal paths (literal templates); the echo, last, reports which one (null: none).
app.UseRouting();
foreach (var path in config.GetSection("Edgebench:InternalPaths").Get<string[]>() ?? [])
    app.Map(path, _ => Task.CompletedTask).WithDisplayName(path);
var echo = new Echo(config["Edgebench:Name"] ?? "app", Work.FromConfiguration(config.GetSection("Edgebench:Work")));
app.Run(echo.Invoke);

await app.StartAsync();
// The driver waits for this line: the address Kestrel bound (the port is ephemeral).
Console.Out.WriteLine($"edgebench-listening {string.Join(' ', app.Urls)}");
Console.Out.Flush();
await ControlChannel.ServeUntilClosed(counts, app.Lifetime.ApplicationStopping);
await app.StopAsync();
