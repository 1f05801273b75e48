// A file larger than any cap, served the way a platform's media URL would: `total` bytes in
// 64 kB chunks, generated as they go (nothing that size is allocated), written only as fast
// as the client reads (backpressure), with or without a Content-Length. `stats` tells how far
// the server got and whether the client hung up before the end.
import type { ServerResponse } from 'node:http';

export interface HugeStats { total: number; written: number; finished: boolean; closed: boolean }

const CHUNK = Buffer.alloc(64 * 1024, 0x5a);

export function streamHuge(res: ServerResponse, total: number, o: { declareLength: boolean; contentType?: string }): HugeStats {
  const stats: HugeStats = { total, written: 0, finished: false, closed: false };
  res.writeHead(200, { 'content-type': o.contentType ?? 'application/octet-stream', ...(o.declareLength ? { 'content-length': String(total) } : {}) });
  res.on('close', () => { stats.closed = true; });
  const pump = () => {
    while (stats.written < total && !res.destroyed) {
      const n = Math.min(CHUNK.length, total - stats.written);
      stats.written += n;
      if (!res.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) { res.once('drain', pump); return; }
    }
    if (stats.written >= total && !res.destroyed) res.end(() => { stats.finished = true; });
  };
  pump();
  return stats;
}

/** 64 MB: well past the 20 MB cap and past anything socket buffers could swallow. */
export const HUGE_BYTES = 64 * 1024 * 1024;
