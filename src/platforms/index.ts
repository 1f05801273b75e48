// Which platforms are on is decided by configuration alone: any combination, or none
// (console only). Each platform is a plug-in (its folder's plugin.ts); the composition root
// (src/features.ts) lists them, and this file just asks each for the adapters its settings turn on.
import type { Config } from '../config.ts';
import type { NeedSettings, PlatformPlugin } from '../plugin.ts';
import type { PlatformAdapter, PlatformContext } from './types.ts';

export interface PlatformProblem { setting: string; message: string }

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
  const adapters = plugins.flatMap((p) => p.create(config, ctx, need));
  return { adapters, problems };
}
