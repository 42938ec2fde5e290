import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { initDevPki, issueCertificate, type PartySpec } from '../pki/test-pki.js';
import { isValidOin } from '../security/oin.js';

/**
 * `ketenpoort pki init` and `ketenpoort pki issue`: the development / test PKI (see certs/README.md).
 */
export function registerPkiCommands(program: Command, deps: { loadDemoParties: () => Promise<PartySpec[]>; defaultDir: string }): void {
  const pki = program.command('pki').description('A PKIoverheid-like test PKI for development: never for production.');

  pki.command('init')
    .description('Create a root, an intermediate, CRLs, the gateway server certificate and a certificate per demo party.')
    .option('--uit <dir>', 'where to write it', deps.defaultDir)
    .option('--forceer', 'replace an existing PKI in that directory', false)
    .action(async (options: { uit: string; forceer: boolean }) => {
      const dir = path.resolve(options.uit);
      if (existsSync(dir)) {
        if (!options.forceer) program.error(`ketenpoort: ${dir} exists already; use --forceer to replace it`, { exitCode: 2 });
        rmSync(dir, { recursive: true, force: true });
      }
      const parties = await deps.loadDemoParties();
      const layout = await initDevPki({ dir, parties });
      process.stdout.write(`Test PKI created in ${dir}\n  trust anchor: ${layout.trustAnchors}\n  CRLs:         ${layout.crls}\n  gateway:      ${layout.serverChain}\n`);
      for (const party of parties) process.stdout.write(`  ${party.id.padEnd(22)} ${party.oin}  ${layout.party(party.id).chain}\n`);
    });

  pki.command('issue')
    .description('Issue one more party certificate from the test intermediate.')
    .requiredOption('--oin <oin>', 'the OIN (20 digits) for subject serialNumber', (value: string) => {
      if (!isValidOin(value)) throw new InvalidArgumentError('an OIN is 20 digits, e.g. 00000099000000000123');
      return value;
    })
    .requiredOption('--naam <naam>', 'organisation name (subject O)')
    .requiredOption('--uit <dir>', 'directory for cert.pem, chain.pem and key.pem')
    .option('--host <host>', 'subject CN and DNS name')
    .option('--pki <dir>', 'the test PKI to issue from', deps.defaultDir)
    .action(async (options: { oin: string; naam: string; uit: string; host?: string; pki: string }) => {
      if (!existsSync(path.join(options.pki, 'ca', 'intermediate.key.pem'))) {
        program.error(`ketenpoort: no test PKI in ${options.pki}; run "ketenpoort pki init" first`, { exitCode: 2 });
      }
      const files = await issueCertificate({
        pkiDir: options.pki, oin: options.oin, naam: options.naam, outDir: path.resolve(options.uit), ...(options.host ? { host: options.host } : {}),
      });
      process.stdout.write(`Issued ${options.oin} (${options.naam}):\n  ${files.chain}\n  ${files.key}\n`);
    });
}
