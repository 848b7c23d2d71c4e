// The YARP reverse proxy edgebench starts as a child: everything it does comes from one appsettings.json (`--settings`),
// YARP's own `ReverseProxy` section plus an optional `Edgebench` section for what YARP's configuration cannot say
// (the local address of upstream connections, the CA to trust when re-encrypting, the answer to unrouted requests).
using Edgebench.Yarp;

var settingsFile = SettingsArgument.Read(args);
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
builder.Configuration.Sources.Clear();
builder.Configuration.AddJsonFile(settingsFile, optional: false, reloadOnChange: false);
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole();
builder.WebHost.UseKestrel((context, kestrel) => kestrel.Configure(context.Configuration.GetSection("Kestrel")));

var extras = EdgebenchSection.From(builder.Configuration.GetSection("Edgebench"));
builder.Services.AddReverseProxy()
    .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
    .ConfigureHttpClient((_, handler) => UpstreamConnections.Configure(handler, extras));

var app = builder.Build();
app.UseRouting();
app.Use(UnroutedRequests.Answer(extras));
app.MapReverseProxy();
app.Run();
