import { computed, ref, shallowRef, type Ref } from 'vue';
import { ApiError } from './api/client';

/** Shows a failure in plain Chinese (the API's problem details, else a generic line). */
export const failureText = (err: unknown) => (err instanceof ApiError ? err.message : '操作失败，请稍后再试');

/**
 * A list paged by the API's cursors (?cursor=, nextCursor): next follows nextCursor, previous
 * goes back through the cursors already seen.
 */
export function useCursorList<T>(load: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>) {
  const items = shallowRef<T[]>([]) as Ref<T[]>;
  const loading = ref(false);
  const error = ref('');
  const seen: (string | undefined)[] = [];
  let current: string | undefined;
  const next = ref<string | null>(null);
  const depth = ref(0);

  async function fetchPage(cursor: string | undefined) {
    loading.value = true;
    error.value = '';
    try {
      const page = await load(cursor);
      items.value = page.items;
      next.value = page.nextCursor;
      current = cursor;
    } catch (err) {
      error.value = failureText(err);
    } finally {
      loading.value = false;
    }
  }
  return {
    items, loading, error,
    hasPrev: computed(() => depth.value > 0),
    hasNext: computed(() => next.value !== null),
    page: computed(() => depth.value + 1),
    reload: () => fetchPage(current),
    first: () => { seen.length = 0; depth.value = 0; return fetchPage(undefined); },
    nextPage: () => { seen.push(current); depth.value++; return fetchPage(next.value ?? undefined); },
    prevPage: () => { depth.value--; return fetchPage(seen.pop()); },
  };
}

/** A list paged by limit and offset, for the routes that answer a total. */
export function useOffsetList<T>(load: (limit: number, offset: number) => Promise<{ items: T[]; total?: number }>, pageSize = 20) {
  const items = shallowRef<T[]>([]) as Ref<T[]>;
  const total = ref(0);
  const page = ref(1);
  const loading = ref(false);
  const error = ref('');
  async function fetchPage(n = page.value) {
    loading.value = true;
    error.value = '';
    try {
      const result = await load(pageSize, (n - 1) * pageSize);
      items.value = result.items;
      total.value = result.total ?? result.items.length;
      page.value = n;
    } catch (err) {
      error.value = failureText(err);
    } finally {
      loading.value = false;
    }
  }
  return { items, total, page, pageSize, loading, error, fetchPage, reload: () => fetchPage(page.value) };
}
