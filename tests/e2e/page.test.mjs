// The page renders, reads a paste, and says nothing wrong while doing it.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { SAMPLE_BUNDLE, launchChromium, openApp, serveDist, violations } from './harness.mjs';

let server;
let browser;
let page;
let seen;

before(async () => {
  server = await serveDist('/');
  browser = await launchChromium();
  ({ page, seen } = await openApp(browser.context, server.url));
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the page renders the application shell', async () => {
  assert.match(await page.title(), /^memlens/);
  assert.equal(await page.locator('h1').textContent(), 'memlens');
  assert.ok(await page.locator('[data-testid="paste"]').isVisible(), 'the paste area is visible');
  assert.equal(
    await page.locator('[data-testid="documents-heading"]').textContent(),
    'No documents yet',
  );
  assert.equal(await page.locator('[data-testid="document"]').count(), 0);
});

test('a pasted bundle lists its documents with kind, name, lines and reasons', async () => {
  await page.locator('[data-testid="paste"]').fill(SAMPLE_BUNDLE);
  await page.locator('[data-testid="document"]').nth(1).waitFor();

  assert.equal(
    await page.locator('[data-testid="documents-heading"]').textContent(),
    '2 documents found',
  );
  const documents = await page.locator('[data-testid="document"]').evaluateAll((items) =>
    items.map((item) => ({
      kind: item.dataset.kind,
      label: item.querySelector('.kind-label').textContent,
      name: item.querySelector('.document-name')?.textContent,
      lines: item.querySelector('.document-lines').textContent,
      reasons: item.querySelectorAll('.reasons li').length,
    })),
  );
  const expected = [
    { kind: 'meminfo', label: '/proc/meminfo', name: '/proc/meminfo', lines: '5 lines (2–6)' },
    { kind: 'free', label: 'free', name: 'free -m', lines: '3 lines (8–10)' },
  ];
  assert.deepEqual(
    documents.map(({ reasons, ...rest }) => rest),
    expected,
  );
  for (const document of documents) {
    assert.ok(document.reasons > 0, `${document.kind} says why it has its kind`);
  }
});

test('keyboard focus moves from the paste area to Clear and is visible', async () => {
  await page.locator('[data-testid="paste"]').focus();
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    return { text: element.textContent, outline: `${style.outlineStyle} ${style.outlineWidth}` };
  });
  assert.deepEqual(focused, { text: 'Clear', outline: 'solid 3px' });
});

test('Clear empties the paste area and the list', async () => {
  await page.getByRole('button', { name: 'Clear' }).click();
  assert.equal(await page.locator('[data-testid="paste"]').inputValue(), '');
  assert.equal(await page.locator('[data-testid="document"]').count(), 0);
});

test('no console error, uncaught error or policy violation', async () => {
  assert.deepEqual(seen.problems, []);
  assert.deepEqual(await violations(page), []);
});
