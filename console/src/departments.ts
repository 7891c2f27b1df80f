import { computed, ref } from 'vue';
import { api } from './api/client';

// Department names by 统一社会信用代码, read once per session page by page (the API's limit and
// offset), so lists can show 浙江省公安厅 rather than a code.
const names = ref<Record<string, string>>({});
let loading: Promise<void> | undefined;

async function loadAll() {
  for (let offset = 0; ; offset += 100) {
    const { data } = await api.GET('/v1/departments', { params: { query: { limit: 100, offset } } });
    if (!data) return;
    for (const d of data.items) names.value[d.code] = d.name;
    if (data.items.length < 100 || offset + 100 >= data.total) return;
  }
}

export function useDepartmentNames() {
  loading ??= loadAll().catch(() => { loading = undefined; });
  return (code: string | null | undefined) => (code ? names.value[code] ?? code : '—');
}

/** Every department as a select's options (name, code), read with the names above. */
export function useDepartmentOptions() {
  loading ??= loadAll().catch(() => { loading = undefined; });
  return computed(() => Object.entries(names.value).map(([code, name]) => ({ code, name })).sort((a, b) => a.name.localeCompare(b.name, 'zh-CN')));
}
