// Platform APIs limit a message by UTF-8 bytes (a Chinese character is 3 bytes), not by
// characters. Long messages are cut at line boundaries so each part reads on its own; a single
// line over the limit is cut between characters (code points), never inside one.

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** Split `text` into parts of at most `maxBytes` UTF-8 bytes each, in order. Empty text → []. */
export function splitByBytes(text: string, maxBytes: number): string[] {
  if (!Number.isInteger(maxBytes) || maxBytes < 4) throw new RangeError('maxBytes must be an integer ≥ 4 (one UTF-8 character)');
  if (text === '') return [];
  if (bytes(text) <= maxBytes) return [text];
  const parts: string[] = [];
  let current: string | null = null;
  for (const line of text.split('\n')) {
    const joined: string = current === null ? line : `${current}\n${line}`;
    if (bytes(joined) <= maxBytes) { current = joined; continue; }
    if (current !== null) parts.push(current);
    if (bytes(line) <= maxBytes) { current = line; continue; }
    // One line longer than the limit: cut it by characters.
    const pieces = splitLongLine(line, maxBytes);
    current = pieces.pop()!;
    parts.push(...pieces);
  }
  if (current !== null && current !== '') parts.push(current);
  return parts.filter((p) => p.trim() !== '');
}

function splitLongLine(line: string, maxBytes: number): string[] {
  const pieces: string[] = [];
  let piece = '';
  let size = 0;
  for (const ch of line) { // iterates code points, so a surrogate pair stays whole
    const n = bytes(ch);
    if (size + n > maxBytes) { pieces.push(piece); piece = ''; size = 0; }
    piece += ch;
    size += n;
  }
  pieces.push(piece);
  return pieces;
}
