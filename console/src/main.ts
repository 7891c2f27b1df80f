import 'element-plus/dist/index.css';
import './styles.css';
import { createApp } from 'vue';
import App from './App.vue';
import { router } from './router';
import { onSessionEnded } from './session';

onSessionEnded((notice) => {
  const here = router.currentRoute.value;
  if (here.name !== 'login') void router.replace({ name: 'login', query: { redirect: here.fullPath, reason: notice } });
});

createApp(App).use(router).mount('#app');
