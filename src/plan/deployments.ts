/**
 * The plan of a run: which deployments it measures. The scenario's topologies are crossed with the choices given
 * for each dimension (the proxy engine today; an engine profile, an app runtime or a front-door protocol are further
 * dimensions of the same shape, added to DIMENSIONS). Pure: nothing is started or looked up here.
 */
import type { EngineName } from "../engines/types.js";
import type { EngineProfile, Frontend, Scenario, TopologyKind } from "../scenario/types.js";
import { EdgebenchError } from "../support/errors.js";

export interface PlannedDeployment {
  /** Unique within a run: `edge`, `proxied/builtin`, `proxied/nginx`, … */
  name: string;
  topology: TopologyKind;
  /** The scenario as this deployment runs it: the run's scenario with this deployment's choices applied. */
  scenario: Scenario;
}

/** What the command line chose along each dimension; an absent choice means the scenario's own. */
export interface PlanChoices {
  engines?: readonly EngineName[];
  /** Generated configurations of the external engines (`--engine-profile typical,hardened`). */
  profiles?: readonly EngineProfile[];
  /** What clients speak to each proxy (`--frontend http1,h2`): each a deployment, measured in the same rounds. */
  frontends?: readonly Frontend[];
}

/** One value along a dimension: the part it adds to the deployment's name and the scenario it runs. */
interface Variant {
  part: string;
  scenario: Scenario;
}

interface Dimension {
  /** Named in every deployment it applies to (engines), or only when the run chose several values. */
  alwaysNamed: boolean;
  /** The variants of a deployment along this dimension; empty when the dimension does not apply to it. */
  variants(deployment: PlannedDeployment, choices: PlanChoices): Variant[];
}

const ENGINE: Dimension = {
  alwaysNamed: true,
  variants: (deployment, choices) => {
    if (deployment.topology !== "proxied") return [];
    const own = deployment.scenario.proxy;
    return (choices.engines ?? [own.engine]).map((engine) => ({
      part: engine,
      // A user's engine configuration belongs to the engine it was written for.
      scenario: {
        ...deployment.scenario,
        proxy: { ...own, engine, engineConfig: engine === own.engine ? own.engineConfig : null },
      },
    }));
  },
};

const PROFILE: Dimension = {
  alwaysNamed: false,
  variants: (deployment, choices) => {
    const proxy = deployment.scenario.proxy;
    // The builtin proxy and a user's own configuration have no profile: they run once, as they are.
    if (deployment.topology !== "proxied" || proxy.engine === "builtin" || proxy.engineConfig !== null) return [];
    return (choices.profiles ?? [proxy.profile]).map((profile) => ({
      part: profile,
      scenario: { ...deployment.scenario, proxy: { ...proxy, profile } },
    }));
  },
};

const FRONTEND: Dimension = {
  alwaysNamed: false,
  variants: (deployment, choices) => {
    const proxy = deployment.scenario.proxy;
    if (deployment.topology !== "proxied") return [];
    return (choices.frontends ?? [proxy.frontend]).map((frontend) => ({
      part: frontend,
      scenario: { ...deployment.scenario, proxy: { ...proxy, frontend } },
    }));
  },
};

/** The dimensions in naming order: `proxied/<engine>/<profile>/<frontend>`. */
const DIMENSIONS: readonly Dimension[] = [ENGINE, PROFILE, FRONTEND];

export class PlanError extends EdgebenchError {
  constructor(message: string) {
    super("ERR_PLAN", message);
  }
}

function expand(
  deployments: readonly PlannedDeployment[],
  dimension: Dimension,
  choices: PlanChoices,
): PlannedDeployment[] {
  return deployments.flatMap((deployment) => {
    const variants = dimension.variants(deployment, choices);
    if (variants.length === 0) return [deployment];
    const named = dimension.alwaysNamed || variants.length > 1;
    return variants.map((variant) => ({
      ...deployment,
      name: named ? `${deployment.name}/${variant.part}` : deployment.name,
      scenario: variant.scenario,
    }));
  });
}

/** The deployments of a run, edge first, then the others in the order their choices were given. */
export function planDeployments(scenario: Scenario, choices: PlanChoices = {}): PlannedDeployment[] {
  let deployments: PlannedDeployment[] = scenario.topologies.map((topology) => ({
    name: topology,
    topology,
    scenario,
  }));
  for (const dimension of DIMENSIONS) deployments = expand(deployments, dimension, choices);
  const where = scenario.file ?? scenario.name;
  const proxied = deployments.filter((d) => d.topology === "proxied");
  if (proxied.length > 1 && scenario.proxy.port !== null) {
    throw new PlanError(
      `${where}: proxy.port is fixed at ${scenario.proxy.port}, so only one proxy can listen there; remove it to measure ${proxied.length} proxies in one run`,
    );
  }
  return deployments;
}

/**
 * The proxy deployment the others are given as ratios to: the one asked for (by name, `proxied/nginx`, or by
 * engine, `nginx`), else nginx's when the run has it. Null when fewer than two proxied deployments ran.
 */
export function referenceProxy(
  deployments: readonly PlannedDeployment[],
  requested: string | null = null,
): string | null {
  const proxied = deployments.filter((d) => d.topology === "proxied");
  const named = (wanted: string) => proxied.find((d) => d.name === wanted || d.scenario.proxy.engine === wanted)?.name;
  if (requested !== null) {
    const found = named(requested);
    if (!found)
      throw new PlanError(
        `--reference ${requested}: no such proxied deployment; this run has ${proxied.map((d) => d.name).join(", ") || "none"}`,
      );
    return proxied.length > 1 ? found : null;
  }
  return proxied.length > 1 ? (named("nginx") ?? null) : null;
}
