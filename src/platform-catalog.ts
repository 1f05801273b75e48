// The installed platforms as commands and operators see them: their names, their senders'
// names and the kinds of group webhook they offer. Built from the platform plug-ins
// (src/plugin.ts) by createApp.

/** A push-only group robot a platform offers (/群 绑定webhook): how its key or address is read and shown. */
export interface WebhookKindDef {
  /** Stored in groups.webhook_kind, and the platform id whose groups may use it. */
  kind: string;
  /** 企业微信群机器人 */
  label: string;
  /** The words that name it in the command: 企业微信, 企微 … (lower case) */
  words: string[];
  /** The command's usage line for this kind: /群 绑定webhook 群名 企业微信 KEY */
  usage: string;
  /** The key or address (and secret) as typed → what is stored, or a Chinese refusal naming the fix. */
  parse(value: string, secret: string | undefined): { url: string; secret: string | null } | { error: string; withUsage?: boolean };
  /** How a bound one is shown: never the whole key or secret. */
  describe(url: string, secret?: string | null): string;
  /** A line added to the binding's preview (e.g. no 加签 secret given), or null. */
  previewNote?(secret: string | null): string | null;
}

/** The installed platforms as a handler sees them (names, webhook kinds). */
export interface PlatformCatalog {
  /** 企业微信, 钉钉, 模拟器 — or the id itself. */
  label(id: string): string;
  /** A sender (Sender.name) as an operator knows it: 企业微信自建应用, 群机器人 webhook — or the name itself. */
  senderLabel(name: string): string;
  readonly webhookKinds: WebhookKindDef[];
  /** The webhook kind a word names (企业微信, 钉钉 …), or the one stored as `kind`. */
  webhookKind(wordOrKind: string): WebhookKindDef | undefined;
}

/** The core's own senders: the console and the group webhook sender. */
const CORE_SENDERS: Record<string, string> = { webhook: '群机器人 webhook', console: '控制台' };

/** From the platform plug-ins (only their id, labels and webhook kind are read). */
export function platformCatalog(plugins: { id: string; label: string; senderLabels?: Record<string, string>; webhook?: WebhookKindDef }[]): PlatformCatalog {
  const labels = new Map<string, string>([['console', '模拟器'], ...plugins.map((p) => [p.id, p.label] as [string, string])]);
  const senders = new Map<string, string>([...Object.entries(CORE_SENDERS), ...plugins.flatMap((p) => Object.entries(p.senderLabels ?? {}))]);
  const webhookKinds = plugins.flatMap((p) => (p.webhook ? [p.webhook] : []));
  return {
    label: (id) => labels.get(id) ?? id,
    senderLabel: (name) => senders.get(name) ?? name,
    webhookKinds,
    webhookKind: (w) => webhookKinds.find((k) => k.kind === w || k.words.includes(w.toLowerCase())),
  };
}
