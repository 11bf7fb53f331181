// Takes the README's screenshot: the release build with a sample paste, in a light theme.
// Usage: node tests/e2e/screenshot.mjs docs/screenshot.png (run by `cargo xtask screenshot`).

import { SAMPLE_BUNDLE, launchChromium, openApp, serveDist } from './harness.mjs';

const output = process.argv[2] ?? 'docs/screenshot.png';
const server = await serveDist('/');
const browser = await launchChromium({
  viewport: { width: 1280, height: 800 },
  colorScheme: 'light',
});
try {
  const { page } = await openApp(browser.context, server.url);
  await page.locator('[data-testid="paste"]').fill(SAMPLE_BUNDLE);
  await page.locator('[data-testid="document"]').nth(1).waitFor();
  await page.locator('[data-testid="paste"]').blur();
  await page.screenshot({ path: output });
} finally {
  await browser.close();
  await server.close();
}
