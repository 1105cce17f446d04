// Inbox benchmark: the sandbox's inbox page in Debian's Chromium with 100,000 stored messages
// versus 1,000 (the baseline): first contentful paint, time until the conversation list is drawn,
// and time from submitting a search to its results being shown. Each page load is a fresh browser
// profile; the two store sizes alternate, several rounds, medians.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSandbox, type Sandbox } from '../src/sandbox/app.js';
import { sandboxConfig } from '../src/sandbox/config.js';
import { launchBrowser } from '../test/helpers/browser.js';
import { fmt } from './lib/load.js';
import { seedMessages } from './lib/seed.js';
import { median } from './lib/stats.js';

/** searches a reader would type: a recipient filter and words in the body */
export const SEARCHES = ['to:+14155551234', 'message 777'] as const;

export interface UiCase {
  count: number;
  /** medians over the rounds, ms */
  fcp: number;
  listed: number;
  search: number[];
  /** what the last search round showed, e.g. "11 messages match …" */
  shown: string[];
}

interface Sample {
  fcp: number;
  listed: number;
  search: number[];
  shown: string[];
}

async function measurePage(url: string): Promise<Sample> {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const t0 = performance.now();
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    await page.locator('#conversations li').first().waitFor({ timeout: 60_000 });
    const listed = performance.now() - t0;
    const fcp = await page.evaluate(`new Promise((resolve) => {
      const find = () => performance.getEntriesByName('first-contentful-paint')[0];
      const hit = find();
      if (hit) return resolve(hit.startTime);
      new PerformanceObserver(() => { const e = find(); if (e) resolve(e.startTime); }).observe({ type: 'paint', buffered: true });
    })`);
    const search: number[] = [];
    const shown: string[] = [];
    for (const q of SEARCHES) {
      await page.fill('#search', q);
      const t1 = performance.now();
      await page.press('#search', 'Enter');
      // the status names the query once its results are drawn
      const status = page.locator('#results-status', { hasText: `“${q}”` });
      await status.waitFor({ timeout: 60_000 });
      search.push(performance.now() - t1);
      shown.push((await status.textContent()) ?? '');
    }
    return { fcp: Number(fcp), listed, search, shown };
  } finally {
    await browser.close();
  }
}

export async function benchUi(opts: { quick: boolean }): Promise<UiCase[]> {
  const counts = [1_000, 100_000];
  const rounds = opts.quick ? 3 : 5;
  const dir = mkdtempSync(join(tmpdir(), 'tc-bench-ui-'));
  const sandboxes: Sandbox[] = [];
  try {
    const urls: string[] = [];
    for (const count of counts) {
      const sb = buildSandbox(sandboxConfig({ data: join(dir, `inbox-${count}.db`), statusDelay: 1000 }));
      sandboxes.push(sb);
      const t0 = performance.now();
      seedMessages(sb.ctx.db, sb.account.sid, sb.phoneNumber, count);
      console.log(`seeded ${count.toLocaleString('en')} messages in ${fmt((performance.now() - t0) / 1000)} s`);
      urls.push(`${await sb.listen()}/`);
    }
    // one unrecorded load per size warms the server's statements and the browser binary's page cache
    for (const url of urls) await measurePage(url);
    const samples: Sample[][] = counts.map(() => []);
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < counts.length; k++) {
        const idx = (k + round) % counts.length;
        const s = await measurePage(urls[idx]!);
        samples[idx]!.push(s);
        console.log(
          `round ${round + 1} ${counts[idx]!.toLocaleString('en').padStart(7)} messages: FCP ${fmt(s.fcp, 0)} ms, list ${fmt(s.listed, 0)} ms, search ${s.search.map((x) => `${fmt(x, 0)} ms`).join(' / ')}`,
        );
      }
    }
    return counts.map((count, i) => {
      const list = samples[i]!;
      return {
        count,
        fcp: median(list.map((s) => s.fcp)),
        listed: median(list.map((s) => s.listed)),
        search: SEARCHES.map((_, q) => median(list.map((s) => s.search[q]!))),
        shown: list.at(-1)?.shown ?? [],
      };
    });
  } finally {
    for (const sb of sandboxes) await sb.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
