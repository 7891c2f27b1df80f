import { ref } from 'vue';
import { api } from './api/client';

// Resource names by id, each read once per session (GET /v1/resources/{id}), for lists that carry
// only a resource's id (objections, discrepancies, grants).
const names = ref<Record<string, string>>({});
const asked = new Set<string>();

export function useResourceNames() {
  return (id: string | null | undefined) => {
    if (!id) return '—';
    if (!asked.has(id)) {
      asked.add(id);
      void api.GET('/v1/resources/{id}', { params: { path: { id } } }).then(({ data }) => {
        if (data) names.value[id] = data.name;
      });
    }
    return names.value[id] ?? id;
  };
}
