// Which platforms are on is decided by configuration alone: any combination, or none
// (console only). Each platform is a plug-in (its folder's plugin.ts); the composition root
// (src/features.ts) lists them, and this file just asks each for the adapters its settings turn
// on, and for how it sends through its kind of group webhook.
import type { Config } from '../config.ts';
import type { NeedSettings, PlatformPlugin } from '../plugin.ts';
import type { PlatformAdapter, PlatformContext } from './types.ts';
import type { WebhookSend } from './webhook-sender.ts';

export interface PlatformProblem { setting: string; message: string }

/**
 * A plug-in's own settings, typed, out of `settings` (a Config that loadConfig read with the
 * plug-in's schema, or raw values: each is checked and defaulted by the plug-in's schema).
 */
function settingsOf<P extends PlatformPlugin<any>>(p: P, settings: object) {
  return p.settings.parse(settings) as ReturnType<P['settings']['parse']>;
}

/** Builds the configured adapters, in sender-preference order; half-done settings are reported. */
export function createPlatforms(config: Config, ctx: PlatformContext, plugins: PlatformPlugin[]): { adapters: PlatformAdapter[]; problems: PlatformProblem[] } {
  const problems: PlatformProblem[] = [];
  const need: NeedSettings = (label, pairs) => {
    const given = pairs.filter(([, v]) => v);
    if (!given.length) return false;
    const missing = pairs.filter(([, v]) => !v).map(([k]) => k);
    if (missing.length) {
      problems.push({ setting: missing.join(', '), message: `${label}未启用：缺少 ${missing.join('、')}` });
      return false;
    }
    return true;
  };
  const adapters = plugins.flatMap((p) => p.create({ ...config, ...settingsOf(p, config) }, ctx, need));
  return { adapters, problems };
}

/** How each installed kind of group webhook is sent (webhook kind → its platform's part), for createWebhookSender. */
export function platformWebhooks(plugins: PlatformPlugin[], settings: object, opts: { timeoutMs?: number } = {}): Map<string, WebhookSend> {
  const kinds = new Map<string, WebhookSend>();
  for (const p of plugins) {
    if (p.webhook && p.webhookSender) kinds.set(p.webhook.kind, p.webhookSender(settingsOf(p, settings), opts));
  }
  return kinds;
}
