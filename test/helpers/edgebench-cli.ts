/** The built CLI run as a child process, its exit code, stdout and stderr collected (never throws on exit ≠ 0). */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT } from "./paths.js";

export const execFileAsync = promisify(execFile);

export async function edgebench(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [join(ROOT, "bin/edgebench.js"), ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
