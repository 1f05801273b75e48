// The real service as an OS process for a drill: test/support/service-scope.ts's service()
// (every platform off unless set), or the same from an overlay copy with a proposed fix.
import { ensureBuilt, spawnTsx, type Proc } from '../../test/support/proc.ts';
import { service, type Scope } from '../../test/support/service-scope.ts';
import { overlay } from './overlay.ts';

/** Patches named in DRILL_PATCH (comma-separated), e.g. DRILL_PATCH=pg-client-error. */
export const requestedPatches = () => (process.env.DRILL_PATCH ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export async function serviceFrom(scope: Scope, patches: string[]): Promise<(env: Record<string, string>) => Proc> {
  if (!patches.length) {
    await ensureBuilt(); // the service as production runs it
    return (env) => service(scope, env);
  }
  const cwd = await overlay(scope, patches);
  const off = {
    LOG_LEVEL: 'info', ROLE: 'worker', ADMIN_API_TOKEN: '',
    WECOM_BOT_MODE: 'ws', WECOM_BOT_ID: '', WECOM_BOT_SECRET: '', WECOM_WS_URL: 'ws://127.0.0.1:9',
    WECOM_CORP_ID: '', WECOM_AGENT_ID: '', WECOM_AGENT_SECRET: '', WECOM_API_BASE: 'http://127.0.0.1:9',
    WECOM_APP_TOKEN: '', WECOM_APP_ENCODING_AES_KEY: '', WECOM_BOT_TOKEN: '', WECOM_BOT_ENCODING_AES_KEY: '',
    DINGTALK_CLIENT_ID: '', DINGTALK_CLIENT_SECRET: '', DINGTALK_ROBOT_CODE: '',
  };
  return (env) => {
    const p = spawnTsx(['src/main.ts'], { cwd, waitMs: 30_000, env: { ...process.env, ...off, ...env } });
    scope.procs.push(p);
    return p;
  };
}
