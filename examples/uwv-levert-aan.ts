/**
 * UWV delivers a signal: "this person may be entitled to bijstand in Amsterdam, because the WW
 * ends". The SDK signs the body (Digest + JAdES Payload-Signature with UWV's key), gets and renews
 * the token, and retries only what is safe. Delivering the same kenmerk again is harmless.
 *
 *   npm run build && npx tsx examples/uwv-levert-aan.ts [--gateway URL] [--pki DIR]
 */
import { KetenpoortSdkError, type AanwijzingAanlevering } from 'ketenpoort/sdk';
import { clientFor, exampleOptions } from './example-options.js';

const options = exampleOptions();
const uwv = clientFor(options, 'uwv');
const geldigTot = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
try {
  const kenmerk = `UWV-VOORBEELD-${new Date().toISOString().slice(0, 10)}`;
  const aanwijzing: AanwijzingAanlevering = {
    kenmerk, soort: 'MOGELIJK_RECHT', regeling: 'ALGEMENE_BIJSTAND', burgerservicenummer: '999999990', gemeentecode: '0363', geldigTot,
    aanleiding: { redenCode: 'INKOMEN_ONDER_NORM', criteria: ['WW_EINDIGT'], toelichting: 'Uw WW-uitkering stopt binnenkort; mogelijk heeft u recht op bijstand.' },
  };
  const delivered = await uwv.leverAanwijzingAan(aanwijzing);
  console.log(`delivered: ${delivered.kenmerk} → ${delivered.ontvanger?.naam ?? 'nobody (suppressed: the person opted out)'}, status ${delivered.status}, id ${delivered.id}`);
  const again = await uwv.leverAanwijzingAan(aanwijzing);
  console.log(`the same kenmerk again is the same signal: ${again.id === delivered.id}`);
} catch (error) {
  if (!(error instanceof KetenpoortSdkError)) throw error;
  console.error(`refused: ${error.message}`); // code, status and every invalid item are on the error
  process.exitCode = 1;
} finally {
  await uwv.close();
}
