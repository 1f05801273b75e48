// What a page reads from the API: `loading` while it is asked; a 403 becomes `forbidden` (the page
// shows Forbidden.vue with the API's words), anything else `error` (an alert line).
import { ref, type Ref } from 'vue';
import type { ApiError } from './api';

export function usePageData<T>() {
  const data = ref(null) as Ref<T | null>;
  const loading = ref(false);
  const error = ref('');
  const forbidden = ref('');
  async function read(get: () => Promise<T>) {
    loading.value = true; error.value = ''; forbidden.value = '';
    try {
      data.value = await get();
    } catch (err) {
      const e = err as ApiError;
      if (e.status === 403) forbidden.value = e.message; else error.value = e.message;
    } finally { loading.value = false; }
  }
  return { data, loading, error, forbidden, read };
}
