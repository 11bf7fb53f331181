// dist/ works from a sub-path of a static host that serves nothing else.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { DIST, SAMPLE_BUNDLE, launchChromium, openApp, serveDist } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await serveDist('/memlens/');
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('index.html refers to its assets by relative URLs only', async () => {
  const html = await readFile(path.join(DIST, 'index.html'), 'utf8');
  // The minified page may leave attribute values unquoted.
  const urls = [...html.matchAll(/\s(?:src|href|data-js|data-wasm)=("[^"]*"|'[^']*'|[^\s>]+)/g)]
    .map((match) => match[1].replace(/^["']|["']$/g, ''))
    .filter((url) => !url.startsWith('data:'));
  assert.ok(urls.length >= 4, `found only ${JSON.stringify(urls)}`);
  const absolute = urls.filter((url) => url.startsWith('/') || /^[a-z]+:/i.test(url));
  assert.deepEqual(absolute, []);
});

test('the page runs from /memlens/ and loads everything from there', async () => {
  const { page, seen } = await openApp(browser.context, server.url);
  await page.locator('[data-testid="paste"]').fill(SAMPLE_BUNDLE);
  await page.locator('[data-testid="document"]').nth(1).waitFor();

  const outside = seen.requests.filter((url) => !url.startsWith(server.url));
  assert.deepEqual(outside, []);
  assert.deepEqual(seen.problems, []);
});
