import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root, found by walking up from this module to the nearest package.json. The same
 * answer from `src/` (tsx, tests) and from `dist/src/` (the built gateway), so data files such as the
 * contract and the codelists are read from one place.
 */
export const projectRoot: string = findRoot(path.dirname(fileURLToPath(import.meta.url)));

function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

/** Absolute path of a file inside the repository. */
export function projectPath(...segments: string[]): string {
  return path.join(projectRoot, ...segments);
}
