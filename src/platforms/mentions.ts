// @mentions in group pushes. Delivery resolves the outbox row's member ids to names and, where
// the person has an account on the group's platform, that platform's user id; each sender then
// writes them its own way. Someone without an account there is still named: "@姓名" as text.
import type { GroupTarget, Mention } from '../delivery/types.ts';

export type { Mention };

/**
 * The text with one closing line of mentions (nothing added when there are none). `render`
 * writes one person; the default is "@姓名", for platforms with no mention syntax.
 */
export function withMentions(text: string, mentions: Mention[] | undefined, render: (m: Mention) => string = plainMention): string {
  if (!mentions?.length) return text;
  return `${text}\n${mentions.map(render).join(' ')}`;
}

export const plainMention = (m: Mention) => `@${m.name}`;

/** The user ids to @ in a group message, for platforms that take them separately (DingTalk at.atUserIds). */
export function mentionedUserIds(to: Pick<GroupTarget, 'mentions'>): string[] {
  return [...new Set((to.mentions ?? []).map((m) => m.userId).filter((u): u is string => !!u))];
}
