// Every platform's media download ends here: photos and files people send are read as a
// stream and cut off at the cap (20 MB unless a test passes less), whether or not the server
// declares a Content-Length, so a hostile or broken URL never costs more memory than that.
import { MAX_ATTACHMENT_BYTES } from '../domain/attachments.ts';
import { sizeText } from '../domain/messages/attachments.ts';

export { MAX_ATTACHMENT_BYTES };

/** A downloaded file larger than allowed: the person is told (see fetchAttachments), never retried. */
export class FileTooLargeError extends Error {
  override name = 'FileTooLargeError';
  constructor(readonly limitBytes: number) {
    super(`文件超过 ${sizeText(limitBytes)} 的上限`);
  }
}

/**
 * The body of `res`, at most `maxBytes`: refused at once when Content-Length says more, and
 * the read stopped (the connection cancelled) as soon as the running total passes the cap.
 */
export async function readCapped(res: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw new FileTooLargeError(maxBytes);
  }
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new FileTooLargeError(maxBytes);
    }
    chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
  return Buffer.concat(chunks, size);
}
