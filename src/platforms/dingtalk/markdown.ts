// The bot speaks plain text; DingTalk shows it as markdown (msgKey sampleMarkdown, webhook
// msgtype markdown). Two things to adapt: line breaks (DingTalk's markdown needs "  \n" for a
// hard break — a bare "\n" may be joined into one line) and a title, which DingTalk shows in
// the notification and the chat list.
import { splitByBytes } from '../split.ts';

/**
 * At most this many UTF-8 bytes per message. DingTalk publishes no single figure for
 * sampleMarkdown / webhook markdown; 4,000 bytes (≈1,300 Chinese characters) stays well
 * under every limit seen for robot messages and keeps each message readable in the client
 * without being folded.
 */
export const MAX_MARKDOWN_BYTES = 4000;

export interface MarkdownPart { title: string; text: string }

export function titleOf(text: string): string {
  const first = text.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  const plain = first.replace(/[#*>`_~[\]]/g, '').trim();
  const chars = [...plain];
  return chars.length === 0 ? '学习助手' : chars.length > 20 ? `${chars.slice(0, 20).join('')}…` : plain;
}

/** Plain text → one or more markdown messages, in order, each within maxBytes. */
export function toMarkdownParts(text: string, maxBytes = MAX_MARKDOWN_BYTES): MarkdownPart[] {
  const title = titleOf(text);
  // Convert first, then split at the (converted) line ends, so the limit holds exactly.
  const md = text.replace(/\r?\n/g, '  \n');
  return splitByBytes(md, maxBytes).map((p, i) => ({
    title: i === 0 ? title : `${title}（续）`,
    text: p.replace(/ +$/, ''),
  }));
}
