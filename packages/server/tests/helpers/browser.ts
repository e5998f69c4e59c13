/**
 * Real headless Chromium driven by playwright-core, with a fresh profile directory that is removed
 * on close. The browser comes from the npm registry (the package @sparticuz/chromium carries the
 * binary in its tarball; unpack-chromium.mjs unpacks it once into node_modules/.cache), so
 * `npm test` needs nothing but Node and npm. CHROMIUM_PATH names another Chromium to use instead.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface Executable {
  path: string;
  env: Record<string, string | undefined>;
}

let unpacked: Executable | undefined;

/** The npm-registry Chromium, unpacked on first use: the binary, its NSS libraries and its fonts. */
function registryChromium(): Executable {
  if (unpacked === undefined) {
    const dir = execFileSync(process.execPath, [path.join(__dirname, 'unpack-chromium.mjs')], { encoding: 'utf8' });
    unpacked = {
      path: path.join(dir, 'chromium'),
      env: {
        ...process.env,
        LD_LIBRARY_PATH: [path.join(dir, 'al2023', 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
        FONTCONFIG_PATH: path.join(dir, 'fontconfig'),
      },
    };
  }
  return unpacked;
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const exe = process.env.CHROMIUM_PATH ? { path: process.env.CHROMIUM_PATH, env: process.env } : registryChromium();
  const profile = mkdtempSync(path.join(tmpdir(), 'agentops-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: exe.path,
    env: exe.env,
    headless: true,
    args: ARGS,
    viewport: { width: 1440, height: 900 },
    // What a desktop browser reports, whatever the machine's LANG: without a locale, Chromium under
    // LANG=C says `en-US@posix`, which Intl (and so a charting library's number format) rejects.
    locale: 'en-US',
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Opens `url` in a new tab of `browser`. The page's uncaught errors and console errors go into
 * `errors`, which a test expects empty at its end.
 */
export async function openPage(browser: Browser, url: string, errors: string[]): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(url);
  return page;
}
