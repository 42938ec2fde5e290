import { spawn } from 'node:child_process';
import { projectPath } from '../../src/config/project-paths.js';
import { fixturePki } from './fixture-pki.js';
import type { TestGateway } from './gateway-harness.js';
import { TOKEN_AUDIENCE } from './sdk-harness.js';

/** What a CLI run printed and how it ended. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const CLI = projectPath('src', 'cli', 'ketenpoort.ts');

/** Runs `ketenpoort <args>` as a real process (no TTY), with `cwd` as its working directory. */
export async function runCli(args: readonly string[], options: { cwd?: string } = {}): Promise<CliResult> {
  return runNode(['--import', 'tsx', CLI, ...args], options);
}

/** Runs `node <args>` (no TTY, only PATH in the environment) and collects what it prints. */
export async function runNode(args: readonly string[], options: { cwd?: string } = {}): Promise<CliResult> {
  const child = spawn(process.execPath, args, { cwd: options.cwd ?? projectPath(), env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}

/** The connection options for a fixture party against a test gateway. */
export function connectionArgs(gateway: TestGateway, party: string): string[] {
  const leaf = fixturePki.party(party);
  return ['--gateway', gateway.url, '--cert', leaf.chain, '--key', leaf.key, '--ca', fixturePki.trustAnchors, '--token-audience', TOKEN_AUDIENCE];
}
