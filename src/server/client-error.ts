import type { Socket } from 'node:net';
import { PROBLEM_TYPE_PREFIX } from '../errors.js';

/**
 * Answers a request Node's HTTP parser could not read (malformed headers, bad Content-Length,
 * headers too large) before Fastify ever sees it. Node would write a bare "400 Bad Request"; ADR
 * wants problem+json and the version and security headers on every error, so this writes those.
 */
export function clientErrorHandler(headers: Readonly<Record<string, string>>) {
  return (error: NodeJS.ErrnoException, socket: Socket): void => {
    if (!socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? 431 : 400;
    const body = JSON.stringify({
      type: `${PROBLEM_TYPE_PREFIX}${tooLarge ? 'headers-too-large' : 'malformed-request'}`,
      title: tooLarge ? 'Request header fields too large' : 'Malformed request',
      status,
      detail: tooLarge ? 'The request headers are larger than this gateway accepts.' : 'The HTTP request could not be parsed.',
    });
    const head = [
      `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}`,
      'content-type: application/problem+json; charset=utf-8',
      `content-length: ${Buffer.byteLength(body)}`,
      'connection: close',
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ].join('\r\n');
    socket.end(`${head}\r\n\r\n${body}`);
  };
}
