// 导出 from any page: the API builds the workbook (the same builders as chat's /导出, with the
// page's filter), then the browser opens its download link — a plain link, so phones' in-app
// browsers (WeCom, DingTalk) save it under its Chinese name as any file.
import { ElMessage } from 'element-plus';
import { api, ApiError } from './api';

export interface Exported { id: number; fileName: string; rows: number; summary: string; message: string; url: string }

/** Builds and downloads; the result, or null after telling why not (in the API's words). */
export async function exportAndDownload(body: Record<string, unknown>): Promise<Exported | null> {
  try {
    const r = await api.post<Exported>('/exports', body);
    window.location.assign(r.url);
    ElMessage({ type: 'success', message: r.message, duration: 6000, showClose: true });
    return r;
  } catch (err) {
    ElMessage({ type: 'error', message: (err as ApiError).message, duration: 6000, showClose: true });
    return null;
  }
}
