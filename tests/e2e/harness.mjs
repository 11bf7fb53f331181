// What the browser tests share: a static server for the built site and Debian's Chromium.
//
// The tests run against the release build in dist/ (`cargo xtask test` builds it first and
// sets MEMLENS_DIST). The server is Node's own `http`: it serves dist/ under one base path
// and nothing else, so a page that worked only from `/` would fail when served from `/memlens/`.

import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { chromium } from 'playwright-core';

export const DIST = path.resolve(process.env.MEMLENS_DIST ?? 'dist');
const CHROMIUM = process.env.MEMLENS_CHROMIUM ?? '/usr/bin/chromium';

// Quiet, offline Chromium: nothing of its own (updates, sync, field trials) goes on the network,
// so every request a test sees is the page's.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

/**
 * Serves dist/ on 127.0.0.1 under `base` (`/` or `/memlens/`); anything outside it is a 404.
 * Resolves to `{ url, close }`, where `url` is the address of the page.
 */
export async function serveDist(base = '/') {
  const server = createServer(async (request, response) => {
    const pathname = decodeURIComponent(new URL(request.url, 'http://127.0.0.1').pathname);
    if (!pathname.startsWith(base)) {
      response.writeHead(404).end();
      return;
    }
    let relative = pathname.slice(base.length);
    if (relative === '' || relative.endsWith('/')) relative += 'index.html';
    const file = path.join(DIST, path.normalize(relative));
    if (!file.startsWith(DIST + path.sep)) {
      response.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
      response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${base}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Starts Chromium with a fresh profile. Resolves to `{ context, close }`. */
export async function launchChromium(options = {}) {
  const profile = mkdtempSync(path.join(tmpdir(), 'memlens-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    ...options,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Opens the page at `url` in a new tab and waits until the application has rendered. Resolves
 * to `{ page, seen }`: `seen.problems` collects console errors and warnings, uncaught errors
 * and Content-Security-Policy violations; `seen.requests` every request the page made.
 */
export async function openApp(context, url) {
  const page = await context.newPage();
  const seen = { problems: [], requests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      seen.problems.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => seen.problems.push(`uncaught: ${error.message}`));
  page.on('request', (request) => seen.requests.push(request.url()));
  // Runs before the page's own scripts; the page's policy does not apply to it.
  await page.addInitScript(() => {
    window.memlensViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.memlensViolations.push(`${event.effectiveDirective} refused ${event.blockedURI}`);
    });
  });
  await page.goto(url);
  await page.locator('[data-testid="app"]').waitFor();
  await page.waitForLoadState('networkidle');
  return { page, seen };
}

/** The policy violations the page has seen so far. */
export function violations(page) {
  return page.evaluate(() => window.memlensViolations);
}

/** A small bundle as people paste it: a prompt line before each tool's output. */
export const SAMPLE_BUNDLE = [
  'user@node-a:~$ cat /proc/meminfo',
  'MemTotal:       16393244 kB',
  'MemFree:         9744148 kB',
  'MemAvailable:   15020900 kB',
  'Buffers:          132344 kB',
  'Cached:          5207356 kB',
  'user@node-a:~$ free -m',
  '               total        used        free      shared  buff/cache   available',
  'Mem:           16009        1341        9515           1        5213       14668',
  'Swap:              0           0           0',
  '',
].join('\n');
