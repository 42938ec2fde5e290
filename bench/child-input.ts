/**
 * The child side of `child-script.ts`: a benchmark child (load worker, TLS connector, bare server)
 * gets its input as JSON on stdin — not in argv, where a bulk look-up's body of 10,000 BSNs does
 * not fit.
 */
export async function readInput<T>(): Promise<T> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
}
