// One item (an opinion, a ledger item) open in a side drawer: the address holds its code
// (?code=…), so a link opens it and closing the drawer takes the code away again.
import { ref, watch, type Ref } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { ElMessage } from 'element-plus';
import { api, type ApiError } from './api';

/** `path`: where the API answers for one code. */
export function useItemDrawer<T>(path: (code: string) => string) {
  const route = useRoute();
  const router = useRouter();
  const drawer = ref(false);
  const current = ref(null) as Ref<T | null>;
  /** Reads the item (again, after a write) into the open drawer. */
  async function open(code: string) {
    drawer.value = true;
    current.value = null;
    try { current.value = await api.get<T>(path(code)); } catch (err) { drawer.value = false; ElMessage.error((err as ApiError).message); }
  }
  function show(code: string) { router.replace({ query: { ...route.query, code } }); }
  function close() { const { code: _c, ...rest } = route.query; router.replace({ query: rest }); }
  watch(() => route.query.code, (code) => { if (typeof code === 'string' && code) open(code); else drawer.value = false; }, { immediate: true });
  return { drawer, current, open, show, close };
}
