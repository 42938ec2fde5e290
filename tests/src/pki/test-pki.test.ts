import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import t from 'tap';
import * as x509 from '@peculiar/x509';
import { initDevPki, issueCertificate, loadPkiLayout, revokeCertificate, TEST_POLICY_OID } from '../../../src/pki/test-pki.js';
import { oinFromSubject } from '../../../src/security/oin.js';

t.test('a PKIoverheid-like hierarchy: root, intermediate, CRLs, server and party leaves', async (t) => {
  const dir = t.testdir({});
  const layout = await initDevPki({ dir, parties: [{ id: 'uwv', oin: '00000099000000000101', naam: 'UWV (test)' }] });
  const root = new X509Certificate(readFileSync(layout.rootCert));
  const intermediate = new X509Certificate(readFileSync(layout.intermediateCert));
  const leaf = new X509Certificate(readFileSync(layout.party('uwv').cert));
  t.ok(root.ca && intermediate.ca && !leaf.ca, 'CA flags');
  t.ok(intermediate.verify(root.publicKey), 'intermediate signed by root');
  t.ok(leaf.verify(intermediate.publicKey), 'leaf signed by intermediate');
  t.ok(leaf.checkIssued(intermediate));
  t.equal(oinFromSubject(leaf.subject), '00000099000000000101', 'OIN in subject serialNumber');
  t.match(leaf.subject, /^C=NL\nO=UWV \(test\)\nserialNumber=00000099000000000101\nCN=uwv\.test\.ketenpoort\.local$/);
  t.same(leaf.keyUsage?.sort(), ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'], 'EKU serverAuth + clientAuth');

  const parsed = new x509.X509Certificate(readFileSync(layout.party('uwv').cert, 'utf8'));
  const ku = parsed.getExtension(x509.KeyUsagesExtension)!;
  t.ok(ku.critical);
  t.equal(ku.usages, x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment);
  t.same(parsed.getExtension(x509.CertificatePolicyExtension)?.policies, [TEST_POLICY_OID]);
  t.equal(parsed.getExtension(x509.BasicConstraintsExtension)?.ca, false);
  const serverAltNames = new x509.X509Certificate(readFileSync(layout.serverChain, 'utf8')).getExtension(x509.SubjectAlternativeNameExtension)!;
  t.same(serverAltNames.names.items.map((n) => n.value).sort(), ['127.0.0.1', '::1', 'localhost'].sort());

  for (const key of [layout.rootKey, layout.intermediateKey, layout.party('uwv').key, layout.serverKey]) {
    t.equal(statSync(key).mode & 0o777, 0o600, `${key} is private to its owner`);
  }
  t.equal(readFileSync(layout.crls, 'utf8').match(/BEGIN X509 CRL/g)?.length, 2, 'a CRL per CA, with the label OpenSSL reads');
  t.equal(readFileSync(layout.party('uwv').chain, 'utf8').match(/BEGIN CERTIFICATE/g)?.length, 2, 'chain = leaf + intermediate');
});

t.test('issue and revoke', async (t) => {
  const dir = t.testdir({});
  await initDevPki({ dir, parties: [] });
  const files = await issueCertificate({ pkiDir: dir, oin: '00000099000000000777', naam: 'Gemeente Test', outDir: `${dir}/extra`, keyType: 'ec' });
  const cert = new X509Certificate(readFileSync(files.cert));
  t.equal(oinFromSubject(cert.subject), '00000099000000000777');
  t.equal(cert.publicKey.asymmetricKeyType, 'ec');
  const layout = loadPkiLayout(dir);
  const crlBefore = new x509.X509Crl(readFileSync(layout.intermediateCrl, 'utf8'));
  t.equal(crlBefore.entries.length, 0);
  await revokeCertificate({ pkiDir: dir, certPath: files.cert });
  const crlAfter = new x509.X509Crl(readFileSync(layout.intermediateCrl, 'utf8'));
  t.same(crlAfter.entries.map((e) => e.serialNumber.toLowerCase()), [cert.serialNumber.toLowerCase()]);
  t.ok(await crlAfter.verify({ publicKey: await new x509.X509Certificate(readFileSync(layout.intermediateCert, 'utf8')).publicKey.export() }), 'signed by the intermediate');
});
