import type http from 'node:http';
import { EdgeCodes, refusal, type EdgeRefusal } from './edge-refusal.ts';

/** The largest request body read: the biggest allowed request (a 1,000-line reservation) is about 60 KB. */
export const MAX_BODY_BYTES = 256 * 1024;

const tooLarge = () => refusal(413, EdgeCodes.BAD_REQUEST, 'request body too large');

/**
 * Reads a request body as UTF-8 text, or a refusal: too large (refused before reading when the declared
 * length already says so), or not UTF-8 (JSON must be; decoding leniently would turn the bytes into
 * U+FFFD, and two different keys into the same one). Resolves null when the client went away.
 */
export function readBody(req: http.IncomingMessage, max = MAX_BODY_BYTES): Promise<string | EdgeRefusal | null> {
  if (Number(req.headers['content-length'] ?? 0) > max) return Promise.resolve(tooLarge());
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (result: string | EdgeRefusal | null) => {
      req.off('data', onData).off('end', onEnd).off('error', onGone).off('close', onGone);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) return stop(tooLarge());
      chunks.push(chunk);
    };
    const onEnd = () => {
      try {
        stop(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks, size)));
      } catch {
        stop(refusal(400, EdgeCodes.BAD_REQUEST, 'request body is not UTF-8'));
      }
    };
    const onGone = () => stop(null);
    // 'close' before 'end' is a client that went away mid-body; after 'end' it finds the listeners gone.
    req.on('data', onData).on('end', onEnd).on('error', onGone).on('close', onGone);
  });
}
