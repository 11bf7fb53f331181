// The charts: a pasted meminfo and memory.stat draw the composition of MemTotal and one waterfall
// per bridge; the pointer and the keyboard read values out; the PNG download is a data: URL; the
// charts follow the colour scheme, the width and the pixel ratio. Also writes screenshots of the
// charts, light and dark, to tests/e2e/screenshots/.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { launchChromium, openApp, serveDist, violations } from './harness.mjs';

const BUNDLE = readFileSync(
  new URL('../fixtures/charts/meminfo-memory-stat.txt', import.meta.url),
  'utf8',
);
const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
const RATIO = 2;

const composition = () => page.locator('[data-testid="composition-chart"]');
const bridge = (n) => page.locator('[data-testid="bridge-chart"]').nth(n);

let server;
let browser;
let page;
let seen;

before(async () => {
  server = await serveDist('/');
  browser = await launchChromium({
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: RATIO,
    colorScheme: 'light',
  });
  ({ page, seen } = await openApp(browser.context, server.url));
  await page.locator('[data-testid="paste"]').fill(BUNDLE);
  await composition().waitFor();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Polls `read` until `done(value)` holds; fails with the last value after `ms`. */
async function until(read, done, ms = 5000) {
  const end = Date.now() + ms;
  let value = await read();
  while (!done(value) && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  assert.ok(done(value), `gave up waiting; last value: ${JSON.stringify(value)}`);
  return value;
}

/** What a chart's canvas holds: its sizes, its top-left pixel and how many pixels differ. */
function canvasState(chart) {
  return chart.locator('canvas').evaluate((canvas) => {
    // Read a copy: reading the chart's own context makes Chromium warn about slow readbacks.
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const context = copy.getContext('2d', { willReadFrequently: true });
    context.drawImage(canvas, 0, 0);
    const { data } = context.getImageData(0, 0, copy.width, copy.height);
    const corner = Array.from(data.slice(0, 3));
    let drawn = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] !== corner[0] || data[i + 1] !== corner[1] || data[i + 2] !== corner[2]) {
        drawn += 1;
      }
    }
    return {
      width: canvas.width,
      height: canvas.height,
      cssWidth: canvas.getBoundingClientRect().width,
      cssHeight: canvas.getBoundingClientRect().height,
      corner,
      drawn,
    };
  });
}

function caption(chart) {
  return chart.locator('figcaption').textContent();
}

test('the paste gives the composition and one waterfall per bridge, under headings', async () => {
  const headings = await page.locator('.report-charts h3').allTextContents();
  assert.deepEqual(headings, [
    'What MemTotal holds',
    "MemTotal → free's used (procps-ng ≥ 4.0.1)",
    "MemTotal → free's used (procps 3.3.12 – 4.0.0)",
    "free's used (procps-ng ≥ 4.0.1) → kubelet node working set",
    "free's used (procps 3.3) → kubelet node working set",
  ]);
  const bridges = await page.locator('[data-testid="bridge-chart"]').evaluateAll((charts) =>
    charts.map((chart) => chart.dataset.chart),
  );
  assert.deepEqual(bridges, [
    'memtotal_to_procps_v4',
    'memtotal_to_procps_v3',
    'procps_v4_to_working_set',
    'procps_v3_to_working_set',
  ]);
});

test('every canvas is drawn, at the device pixel ratio', async () => {
  const charts = [composition(), bridge(0), bridge(1), bridge(2), bridge(3)];
  for (const [n, chart] of charts.entries()) {
    const state = await until(
      () => canvasState(chart),
      (s) => s.drawn > 5000,
    );
    assert.equal(state.width, Math.round(state.cssWidth * RATIO), `chart ${n}: backing width`);
    assert.equal(state.height, Math.round(state.cssHeight * RATIO), `chart ${n}: backing height`);
    assert.deepEqual(state.corner, [255, 255, 255], `chart ${n}: the light surface`);
  }
});

test('pointing at a part shows its value in the caption', async () => {
  const canvas = composition().locator('canvas');
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  assert.ok(box, 'the canvas has a box');
  // Find the bar's height through the free part, which takes the right half of the bar...
  let text = '';
  let y = 0;
  for (y = 2; y < box.height && !text.startsWith('free:'); y += 4) {
    await page.mouse.move(box.x + box.width * 0.75, box.y + y);
    text = await caption(composition());
  }
  assert.match(text, /^free: 9\.3 GiB/);
  // ...then cross active page cache, from 633,847,808 to 1,464,655,872 of 16,786,681,856 bytes
  // on a bar with 8 pixels of space each side, where no marker line covers it.
  const at = (bytes) => box.x + 8 + (bytes / 16786681856) * (box.width - 16);
  for (let x = at(633847808) + 1; x < at(1464655872) && !text.startsWith('active'); x += 2) {
    await page.mouse.move(x, box.y + y - 4);
    text = await caption(composition());
  }
  assert.equal(
    text,
    'active page cache: 792.3 MiB (830,808,064 bytes), 4.9% of MemTotal. File pages used recently.',
  );

  await page.mouse.move(box.x + box.width / 2, box.y + box.height + 200);
  assert.match(await caption(composition()), /^Point at a part/);
});

test('the arrow keys step through parts and markers, and the caption announces them', async () => {
  await composition().locator('canvas').focus();
  await page.keyboard.press('ArrowRight');
  assert.match(await caption(composition()), /^anonymous memory: 604\.5 MiB/);
  await page.keyboard.press('ArrowRight');
  assert.match(await caption(composition()), /^active page cache: 792\.3 MiB \(830,808,064 /);
  await page.keyboard.press('End');
  assert.equal(
    await caption(composition()),
    'kubelet working set: used ends at 1.8 GiB (1,985,744,896 bytes), 11.8% of MemTotal.',
  );
  assert.equal(
    await composition().locator('figcaption').getAttribute('aria-live'),
    'polite',
  );

  await bridge(0).locator('canvas').focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(
    await caption(bridge(0)),
    'Start, MemTotal: 15.6 GiB (16,786,681,856 bytes).',
  );
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  const step = await caption(bridge(0));
  const expected = [
    'Step 2 of 2, what the kernel expects to reclaim (MemAvailable − MemFree): ',
    '−5.0 GiB (−5,403,394,048 bytes), running total 1.3 GiB. ',
  ].join('');
  assert.ok(step.startsWith(expected), step);
  assert.ok(
    step.endsWith(' Not split further: MemAvailable is one estimate; the kernel prints no parts.'),
    step,
  );
  await page.keyboard.press('Escape');
  assert.match(await caption(bridge(0)), /^Point at a bar/);
});

test('screen readers get a name for each chart and a table of its numbers', async () => {
  const canvas = composition().locator('canvas');
  assert.equal(await canvas.getAttribute('role'), 'img');
  assert.equal(await canvas.getAttribute('tabindex'), '0');
  assert.match(
    await canvas.getAttribute('aria-label'),
    /^Stacked bar of MemTotal, 15\.6 GiB: anonymous memory 604\.5 MiB, active page cache 792\.3 /,
  );
  const rows = await composition()
    .locator('.chart-sr-only tbody tr')
    .evaluateAll((trs) => trs.map((tr) => tr.textContent));
  assert.equal(rows.length, 9 + 4, 'nine parts and four markers');
  assert.equal(rows[1], 'active page cache792.3 MiB830,808,0644.9%');

  const bridgeRows = await bridge(0).locator('.chart-sr-only tbody tr').count();
  assert.equal(bridgeRows, 4, 'start, two steps, end');
});

test('Download PNG saves the chart from a data: URL', async () => {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('[data-testid="download-composition-png"]').click(),
  ]);
  assert.equal(download.suggestedFilename(), 'memlens-composition-memtotal.png');
  const url = download.url();
  assert.match(url, /^data:image\/png;base64,/);
  const png = Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  const width = png.readUInt32BE(16);
  const cssWidth = (await canvasState(composition())).cssWidth;
  assert.equal(width, Math.round(Math.max(cssWidth, 640) * 2), 'twice the chart width');

  const [bridgePng] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('[data-testid="download-bridge-png"]').nth(2).click(),
  ]);
  assert.equal(bridgePng.suggestedFilename(), 'memlens-bridge-procps_v4_to_working_set.png');
  assert.match(bridgePng.url(), /^data:image\/png;base64,/);
});

test('the charts redraw for a dark page and a narrower window', async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.mouse.move(0, 0);
  await page.locator('.report-charts').screenshot({ path: `${SCREENSHOTS}charts-light.png` });

  await page.emulateMedia({ colorScheme: 'dark' });
  await until(
    () => canvasState(composition()),
    (s) => s.corner.join() === '29,33,37',
  );
  await until(
    () => canvasState(bridge(3)),
    (s) => s.corner.join() === '29,33,37',
  );
  await page.locator('.report-charts').screenshot({ path: `${SCREENSHOTS}charts-dark.png` });

  await page.setViewportSize({ width: 420, height: 900 });
  const narrow = await until(
    () => canvasState(bridge(2)),
    (s) => s.cssWidth < 400 && s.width === Math.round(s.cssWidth * RATIO) && s.drawn > 5000,
  );
  assert.ok(narrow.cssWidth < 400, `${narrow.cssWidth}`);
  await bridge(2).screenshot({ path: `${SCREENSHOTS}bridge-narrow-dark.png` });

  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 900 });
  await until(
    () => canvasState(composition()),
    (s) => s.corner.join() === '255,255,255' && s.cssWidth > 1000,
  );
});

test('no console error, uncaught error or policy violation', async () => {
  assert.deepEqual(seen.problems, []);
  assert.deepEqual(await violations(page), []);
});
