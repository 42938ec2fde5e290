import { Command, Option } from 'commander';
import { KetenpoortClient, KetenpoortSdkError } from '../../sdk/index.js';
import { projectPath } from '../config/project-paths.js';

/**
 * Exit codes of the commands that call the gateway. Scripts branch on these, so they are stable.
 * (Commander's own usage errors also exit 2: see `exitOverride` in ketenpoort.ts.)
 */
export const EXIT = {
  ok: 0,
  /** The file was processed but some lines were rejected (the report lists them). */
  linesRejected: 1,
  /** Wrong usage, or a local file that cannot be read or written. */
  usage: 2,
  /** The gateway refused the request (its problem details are printed). */
  refused: 3,
  /** No answer: the gateway is unreachable, TLS failed, or the connection broke or timed out. */
  connection: 4,
  /** Stopped by Ctrl-C. */
  interrupted: 130,
} as const;

/** The options every gateway-calling command takes. */
export interface ConnectionOptions {
  gateway: string;
  partij?: string;
  cert?: string;
  key?: string;
  ca?: string;
  namens?: string;
  tokenAudience?: string;
}

/** SDK codes that mean "fix your command line or files", not "the gateway said no". */
const LOCAL_CODES = new Set(['tls-file-unreadable', 'certificate-invalid', 'certificate-without-oin', 'key-invalid',
  'key-certificate-mismatch', 'trust-anchors-invalid', 'file-unreadable', 'file-unwritable', 'option-invalid']);

/** Adds the connection options (gateway URL, mTLS material, vendor delegation) to a command. */
export function withConnectionOptions(command: Command): Command {
  return command
    .addOption(new Option('--gateway <url>', "the gateway's API URL").default('https://localhost:8443'))
    .addOption(new Option('--partij <id>', 'a party of the development PKI (certs/dev/partijen/<id>/): sets --cert, --key and --ca')
      .conflicts(['cert', 'key']))
    .option('--cert <pem>', 'your certificate chain (PEM; your certificate first)')
    .option('--key <pem>', 'the private key of that certificate (PEM)')
    .option('--ca <pem>', "trust anchors for the gateway's certificate (PEM)")
    .option('--namens <oin>', 'for a vendor: the OIN of the municipality you act for')
    .option('--token-audience <url>', "audience of the client assertion, when the gateway's public URL differs from --gateway");
}

/**
 * The SDK client for these options, or `undefined` after printing why none can be made.
 * With `--partij` the development PKI of this checkout is used.
 */
export function connect(options: ConnectionOptions, extra: { signingAlg?: 'PS256' | 'ES256' } = {}): KetenpoortClient | undefined {
  const dev = options.partij !== undefined ? projectPath('certs', 'dev') : undefined;
  const cert = options.cert ?? (dev ? `${dev}/partijen/${options.partij}/chain.pem` : undefined);
  const key = options.key ?? (dev ? `${dev}/partijen/${options.partij}/key.pem` : undefined);
  const ca = options.ca ?? (dev ? `${dev}/ca/trust-anchors.pem` : undefined);
  if (!cert || !key || !ca) {
    process.stderr.write('ketenpoort: give --cert, --key and --ca (or --partij <id> for the development PKI)\n');
    return undefined;
  }
  try {
    return new KetenpoortClient({
      gatewayUrl: options.gateway,
      tls: { certificate: cert, key, trustAnchors: ca },
      ...(options.namens !== undefined ? { namens: options.namens } : {}),
      ...(options.tokenAudience !== undefined ? { tokenAudience: options.tokenAudience } : {}),
      ...(extra.signingAlg !== undefined ? { signing: { alg: extra.signingAlg } } : {}),
    });
  } catch (error) {
    return void fail(error);
  }
}

/**
 * Prints why a command failed, the way an operator needs it (the problem, every invalid item,
 * the transaction id to quote), and returns the exit code.
 */
export function fail(error: unknown): number {
  if (!(error instanceof KetenpoortSdkError)) throw error;
  const lines = [`ketenpoort: ${error.title} (${error.status !== undefined ? `${error.status} ` : ''}${error.code}): ${error.detail}`];
  for (const p of error.invalidParams) lines.push(`  - ${p.in} ${p.name || '(body)'}: ${p.reason}`);
  if (error.transactionId) lines.push(`  transaction ${error.transactionId}`);
  process.stderr.write(`${lines.join('\n')}\n`);
  if (error.code === 'aborted') return EXIT.interrupted;
  if (error.status !== undefined) return EXIT.refused;
  return LOCAL_CODES.has(error.code) ? EXIT.usage : EXIT.connection;
}
