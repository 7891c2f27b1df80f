import 'element-plus/dist/index.css';
import './styles.css';
import { createApp } from 'vue';
import App from './App.vue';
import { router } from './router';
import { onSessionEnded } from './session';

onSessionEnded((notice, kind) => {
  const here = router.currentRoute.value;
  const target = kind === 'subject' ? 'citizen-login' : 'login';
  if (here.name !== target) void router.replace({ name: target, query: { redirect: here.fullPath, reason: notice } });
});

createApp(App).use(router).mount('#app');
