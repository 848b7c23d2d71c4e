namespace Edgebench.Yarp;

/// <summary>What the `Edgebench` settings section adds to YARP's own configuration; every field is optional.</summary>
public sealed record EdgebenchSection(
    string? SourceAddress,
    string? TrustedCaFile,
    string? UpstreamServerName,
    string[]? AllowedHosts,
    string[]? OneLabelHosts,
    int UnroutedHostStatus,
    int UnroutedPathStatus)
{
    public static EdgebenchSection From(IConfigurationSection section) => new(
        section["SourceAddress"],
        section["TrustedCaFile"],
        section["UpstreamServerName"],
        section.GetSection("AllowedHosts").Get<string[]>(),
        section.GetSection("OneLabelHosts").Get<string[]>(),
        section.GetValue("UnroutedHostStatus", 404),
        section.GetValue("UnroutedPathStatus", 404));
}

/// <summary>The settings file from `--settings FILE`.</summary>
public static class SettingsArgument
{
    public static string Read(string[] args)
    {
        var at = Array.IndexOf(args, "--settings");
        if (at < 0 || at + 1 >= args.Length) throw new ArgumentException("usage: EdgebenchYarp --settings appsettings.json");
        return Path.GetFullPath(args[at + 1]);
    }
}
