// Talking to /console/api: same-origin cookie, JSON, and the session's CSRF token on every write.
import { reactive } from 'vue';

export class ApiError extends Error {
  /** `detail`: the whole answer (e.g. the bad rows of an uploaded file). */
  constructor(readonly status: number, message: string, readonly code?: string, readonly detail?: Record<string, unknown>) { super(message); }
}

export interface Me {
  member: { id: number; name: string; unitId: number; unitName: string; role: 'staff' | 'head' | 'leader' | 'admin'; roleCn: string; liaison?: boolean };
  scope: 'all' | 'units' | 'self';
  visibleUnitIds: number[] | null;
  campaign: { id: number; name: string; startDate: string; endDate: string; targetMinutes: number | null; targetUnit: string; xueshiMinutes: number } | null;
  phase: { id: number; seq: number; name: string; startDate: string; endDate: string; targetMinutes: number | null } | null;
  today: string;
  csrf: string;
}

/** Who is signed in (null until /me answers; `signedOut` once it answered 401). */
export const session = reactive<{ me: Me | null; signedOut: boolean }>({ me: null, signedOut: false });

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  // A file goes as it is (an upload); anything else as JSON.
  const file = body instanceof Blob;
  if (body !== undefined) headers['content-type'] = file ? 'application/octet-stream' : 'application/json';
  if (method !== 'GET' && session.me) headers['x-csrf-token'] = session.me.csrf;
  let res: Response;
  try {
    res = await fetch(`/console/api${path}`, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : file ? body : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, '连不上服务，请检查网络后重试。');
  }
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    if (res.status === 401 && path !== '/session') { session.me = null; session.signedOut = true; }
    throw new ApiError(res.status, data.message ?? `请求失败（${res.status}）`, data.error, data);
  }
  return data as T;
}

export const api = {
  get: <T>(path: string) => call<T>('GET', path),
  post: <T>(path: string, body: unknown = {}) => call<T>('POST', path, body),
  /** A file as the request's body (the 名单 upload). */
  upload: <T>(path: string, file: Blob) => call<T>('POST', path, file),
};

export async function loadMe(): Promise<Me | null> {
  try {
    session.me = await api.get<Me>('/me');
    session.signedOut = false;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
  return session.me;
}
