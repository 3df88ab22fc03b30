// node dashboard-check.mjs <dashboardUrl> <screenshotPath>
// Loads the dashboard in headless Chromium, waits until every chart has plotted live data, checks the
// phone layout stacks the charts in one column, saves a screenshot, prints a one-line JSON summary.
import { chromium } from 'playwright-core';

const [url, screenshot] = process.argv.slice(2);
if (!url || !screenshot) {
  console.error('usage: node dashboard-check.mjs <dashboardUrl> <screenshotPath>');
  process.exit(2);
}
const CHARTS = ['heap', 'inflight', 'rates', 'latency', 'cache', 'usage'];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  timeout: 30000,
});
let code = 0;
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', e => errors.push(String(e)));
  await page.goto(url, { timeout: 15000 });
  await page.waitForFunction(charts => {
    const d = window.sluiceDashboard;
    return d && d.messages >= 3 && charts.every(c => (d.points[c] || 0) >= 2);
  }, CHARTS, { timeout: 20000 });
  for (const c of CHARTS) {
    const size = await page.$eval(`[data-chart="${c}"] canvas`, el => [el.width, el.height]);
    if (!(size[0] > 0 && size[1] > 0)) throw new Error(`chart ${c} has an empty canvas`);
  }
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(300);
  const boxes = await page.$$eval('[data-chart]', els => els.map(e => e.getBoundingClientRect()).map(r => [r.x, r.width]));
  if (boxes.some(([x, w]) => Math.abs(x - boxes[0][0]) > 2 || x + w > 390 + 1)) {
    throw new Error('phone layout: charts are not stacked in one column within the viewport: ' + JSON.stringify(boxes));
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.waitForTimeout(1200);
  await page.screenshot({ path: screenshot, fullPage: true });
  const summary = await page.evaluate(() => ({ messages: window.sluiceDashboard.messages, points: window.sluiceDashboard.points }));
  if (errors.length) throw new Error('console errors: ' + errors.join(' | '));
  console.log(JSON.stringify({ ...summary, consoleErrors: 0 }));
} catch (e) {
  console.error(String(e && e.stack || e));
  code = 1;
} finally {
  await browser.close();
}
process.exit(code);
