// A write the console confirms as chat does: the page asks the API for the preview at
// `${path}/preview` (chat's 确认 wording), shows it (ConfirmDialog.vue), and 确认 posts the same
// body to `path`; the answer's message is shown, then the page reloads what changed. A refusal
// at either step is shown in the API's words and nothing is written.
import { reactive } from 'vue';
import { ElMessage } from 'element-plus';
import { api, ApiError } from './api';

/** What waits for 确认: the request, its preview and what the page keeps with it (a title, a code). */
export type Asked<E> = E & { path: string; body: unknown; preview: string };
/** The write's answer: its message, and anything else it returns (a new item's code). */
export type Answer = { message: string } & Record<string, unknown>;

export interface Confirming<E> {
  /** Shown in the dialog while set. */
  asked: Asked<E> | null;
  /** The write is under way (the 确认 button spins). */
  sending: boolean;
  /** Fetches the preview (`orElse` where the API has none to give); false when refused. */
  ask(path: string, body: unknown, extra: E, orElse?: string): Promise<boolean>;
  commit(): Promise<void>;
  cancel(): void;
}

export function useConfirming<E extends object = Record<never, never>>(o: {
  /** After the write (the dialog closed): reset forms, reload. */
  done: (answer: Answer, asked: Asked<E>) => unknown;
  /** How long the success message stays, in ms. */
  duration: number;
  /** The success message, when it is not the answer's own. */
  message?: (answer: Answer) => string;
}): Confirming<E> {
  const state: Confirming<E> = reactive({
    asked: null,
    sending: false,
    async ask(path: string, body: unknown, extra: E, orElse?: string) {
      try {
        const r = await api.post<{ preview: string | null }>(`${path}/preview`, body);
        state.asked = { ...extra, path, body, preview: r.preview ?? orElse ?? '' } as Asked<E>;
        return true;
      } catch (err) { ElMessage.error((err as ApiError).message); return false; }
    },
    async commit() {
      const asked = state.asked as Asked<E> | null;
      if (!asked) return;
      state.sending = true;
      try {
        const r = await api.post<Answer>(asked.path, asked.body);
        ElMessage({ type: 'success', message: o.message ? o.message(r) : r.message, duration: o.duration, showClose: true });
        state.asked = null;
        await o.done(r, asked);
      } catch (err) { ElMessage.error((err as ApiError).message); } finally { state.sending = false; }
    },
    cancel() { state.asked = null; },
  }) as Confirming<E>;
  return state;
}
