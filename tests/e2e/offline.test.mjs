// Once the application runs it makes no request at all, and a second policy forbids it to.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { SAMPLE_BUNDLE, launchChromium, openApp, serveDist, violations } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await serveDist('/');
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the page loads only from its own origin, and nothing after it has rendered', async () => {
  const { page, seen } = await openApp(browser.context, server.url);
  const origin = new URL(server.url).origin;
  const foreign = seen.requests.filter(
    (url) => !url.startsWith('data:') && new URL(url).origin !== origin,
  );
  assert.deepEqual(foreign, [], 'requests to other origins');
  const loaded = seen.requests.length;

  const paste = page.locator('[data-testid="paste"]');
  await paste.fill(SAMPLE_BUNDLE);
  await paste.press('End');
  await page.keyboard.type('\n$ free -h\n');
  await page.keyboard.press('Tab');
  await page.getByRole('button', { name: 'Clear' }).click();
  await paste.fill('MemTotal: 1 kB\n');
  await page.waitForTimeout(1000);

  assert.deepEqual(seen.requests.slice(loaded), [], 'requests after the application rendered');
  assert.deepEqual(seen.problems, []);
  await page.close();
});

test('the running application adds a policy that refuses every connection', async () => {
  const { page, seen } = await openApp(browser.context, server.url);

  const policies = await page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .evaluateAll((metas) => metas.map((meta) => meta.content));
  assert.equal(policies.length, 2, `policies: ${JSON.stringify(policies)}`);
  assert.match(policies[0], /script-src 'self' 'wasm-unsafe-eval'/);
  assert.match(policies[1], /default-src 'none'/);

  // Both are allowed by the first policy (same origin), so only the second can refuse them.
  const fetched = await page.evaluate(() =>
    fetch('./index.html').then(
      () => 'fetched',
      () => 'refused',
    ),
  );
  assert.equal(fetched, 'refused');
  await page.evaluate(
    () =>
      new Promise((resolve) => {
        const image = new Image();
        image.onload = image.onerror = resolve;
        image.src = './boot.js';
      }),
  );

  const refused = (await violations(page)).map((violation) => violation.split(' ')[0]);
  assert.deepEqual(refused, ['connect-src', 'img-src']);
  const unexpected = seen.problems.filter((text) => !text.includes('Content Security Policy'));
  assert.deepEqual(unexpected, []);
  await page.close();
});
