// What the console's browser tests share: Debian's chromium, where screenshots go, and the steps
// every role takes the same way (sign in, open a menu entry, take a screenshot).
import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const SHOTS = path.join(import.meta.dirname, 'screenshots');

const CHROMIUM = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

/** Debian's chromium, headless; the screenshots folder made. Fails naming the packages when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!CHROMIUM) throw new Error('chromium is not installed: apt-get install chromium fonts-noto-cjk (.ci/run does it)');
  await fs.mkdir(SHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** Signs in on the console's sign-in page and waits for the shell. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/console/login');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button:has-text("登 录")');
  await page.waitForSelector('[data-test=username]');
}

/** A full-page screenshot in SHOTS, for a reviewer to open. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Opens a page from the side menu by its title. */
export async function menu(page: Page, title: string): Promise<void> {
  await page.getByRole('menuitem', { name: title, exact: true }).click();
}
