import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The checkout's (or the image's) root: the nearest folder above this file whose package.json is
 * the hub's. The same from src/ (tsx) and from dist/src/ (compiled), in a checkout and in the
 * container image (/app).
 */
export function packageRoot(from = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'sharehub') return dir;
    if (path.dirname(dir) === dir) throw new Error(`no sharehub package.json above ${from}`);
  }
}

/** The console's sources (the `console` npm workspace) and its Vite build. */
export function consolePaths(root = packageRoot()) {
  const dir = path.join(root, 'console');
  return { dir, dist: path.join(dir, 'dist'), stamp: path.join(dir, 'dist', '.build-stamp') };
}
