import { ref, type Ref } from 'vue';
import { ElMessage } from 'element-plus';
import { failureText } from './paging';

/**
 * A view's button action (a POST, a save, an export): `busy` is true while it runs (bind it to
 * :loading), a failure is shown as an error message in plain Chinese (failureText, or `failure`),
 * and `success`, when given, is shown once the action has finished. A message that must come
 * before later steps (a navigation, a reload) is shown by the action itself. The actions of one
 * view that use the same `run` share its `busy`; `busy` may be a flag the view already has.
 */
export function useAction(busy: Ref<boolean> = ref(false)) {
  async function run(action: () => Promise<unknown>, options: { success?: string; failure?: (err: unknown) => string } = {}) {
    busy.value = true;
    try {
      await action();
      if (options.success) ElMessage.success(options.success);
    } catch (err) {
      ElMessage.error((options.failure ?? failureText)(err));
    } finally {
      busy.value = false;
    }
  }
  return { busy, run };
}
