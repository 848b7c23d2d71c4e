/**
 * YARP (Yarp.ReverseProxy 2.3.0 on ASP.NET Core) as an engine: the C# program in ./app, built once through the .NET
 * build cache at first use, run as `dotnet EdgebenchYarp.dll --settings appsettings.json` from the run's folder (its
 * HOME too, so ASP.NET Core's data-protection keys stay there), ready when its port accepts connections.
 */
import { fileURLToPath } from "node:url";
import {
  buildDotnetProject,
  DOTNET_INSTALL_HINT,
  dotnetVersion,
  type DotnetProject,
} from "../../dotnet/build-cache.js";
import type { EngineDriver } from "../types.js";
import { yarpSettings } from "./settings.js";

/** The YARP package the program references (its .csproj says the same). */
export const YARP_PACKAGE_VERSION = "2.3.0";

/** The C# project, shipped in the package beside the compiled driver (dist/src/engines/yarp → …/app). */
export const YARP_PROJECT: DotnetProject = {
  name: "yarp-proxy",
  sourceDir: fileURLToPath(new URL("../../../../src/engines/yarp/app/", import.meta.url)),
  assembly: "EdgebenchYarp.dll",
};

export const yarp: EngineDriver = {
  name: "yarp",
  binary: "dotnet",
  install: DOTNET_INSTALL_HINT,
  versionArgs: ["--version"],
  version: () => {
    const sdk = dotnetVersion();
    return sdk === null ? null : `${YARP_PACKAGE_VERSION} (.NET SDK ${sdk})`;
  },
  build: () => buildDotnetProject(YARP_PROJECT),
  bindsSourceAddress: true,
  configure: (spec) => ({ file: "appsettings.json", text: `${JSON.stringify(yarpSettings(spec), null, 2)}\n` }),
  runArgs: (_spec, configFile, built) => [built!, "--settings", configFile],
  env: (spec) => ({
    HOME: spec.dir,
    DOTNET_CLI_TELEMETRY_OPTOUT: "1",
    DOTNET_NOLOGO: "1",
    ASPNETCORE_ENVIRONMENT: "Production",
  }),
};
