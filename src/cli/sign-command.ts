import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { signPayload } from '../security/payload-signature.js';

/**
 * `ketenpoort onderteken`: signs a request body the way a sender must (JAdES detached JWS over the
 * Digest, ADR signing module) and prints the two headers, so a delivery can be made with curl.
 */
export function registerSignCommand(program: Command): void {
  program.command('onderteken')
    .description('Sign a request body: prints the Digest and Payload-Signature headers for it.')
    .argument('<bestand>', 'the exact body to send (e.g. aanwijzing.json)')
    .requiredOption('--sleutel <pem>', "the sender's private key (PKCS#8 PEM)")
    .requiredOption('--certificaat <pem>', "the sender's certificate (PEM), registered for it in the party registry")
    .addOption(new Option('--alg <alg>', 'signature algorithm').choices(['PS256', 'ES256']).default('PS256'))
    .action(async (file: string, options: { sleutel: string; certificaat: string; alg: 'PS256' | 'ES256' }) => {
      const read = (path: string, what: string) => {
        try {
          return readFileSync(path);
        } catch (error) {
          program.error(`ketenpoort: cannot read the ${what} ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { exitCode: 2 });
        }
      };
      const body = read(file, 'body');
      let privateKey;
      try {
        privateKey = createPrivateKey(read(options.sleutel, 'key'));
      } catch {
        program.error(`ketenpoort: ${options.sleutel} is not a PEM private key`, { exitCode: 2 });
      }
      const { digest, payloadSignature } = await signPayload({
        body, privateKey, certificatePem: read(options.certificaat, 'certificate').toString('utf8'), alg: options.alg,
      });
      process.stdout.write(`Digest: ${digest}\nPayload-Signature: ${payloadSignature}\n`);
    });
}
