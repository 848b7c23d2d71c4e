/**
 * A run's private folder in the temporary directory (`edgebench-<name>-XXXXXX`): configuration, logs and state of its
 * children. It records its owner's PID in `owner.pid`; folders whose owner is dead (a run killed before it could clean
 * up, and whose guardian could not either) are swept when the next folder is made.
 */
import { readdir, readFile, rm, writeFile, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isAlive } from "./group.js";

const PREFIX = "edgebench-";
const OWNER_FILE = "owner.pid";

export interface RunFolder {
  dir: string;
  remove(): Promise<void>;
}

let swept: Promise<string[]> | null = null;

/** Makes a private folder for `name`; the first one a process makes sweeps stale folders first. */
export async function createRunFolder(name: string, root: string = tmpdir()): Promise<RunFolder> {
  swept ??= sweepStaleFolders(root);
  await swept;
  const dir = await mkdtemp(join(root, `${PREFIX}${name}-`));
  await writeFile(join(dir, OWNER_FILE), `${process.pid}\n`);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Removes `edgebench-*` folders in root whose recorded owner is no longer alive; returns the folders removed. */
export async function sweepStaleFolders(root: string = tmpdir()): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = (await readdir(root)).filter((name) => name.startsWith(PREFIX));
  } catch {
    return removed;
  }
  for (const name of names) {
    const dir = join(root, name);
    const owner = await readOwner(dir);
    if (owner === null || owner === process.pid || isAlive(owner)) continue;
    try {
      await rm(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // Another user's folder, or one being removed at the same time: not ours to insist on.
    }
  }
  return removed;
}

async function readOwner(dir: string): Promise<number | null> {
  try {
    const pid = Number((await readFile(join(dir, OWNER_FILE), "utf8")).trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    // No owner recorded (not a run folder, or one still being made): left alone.
    return null;
  }
}
