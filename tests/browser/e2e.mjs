// End-to-end in a real browser: Debian's Chromium, driven by playwright-core, against a running
// `redflag serve`. Usage: node e2e.mjs BASE_URL SHOTS_DIR WORK_DIR
// Users (made by run.sh): ngo-a/ana (analyst), ngo-b/vic (viewer). Exits non-zero on any failure.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';

const [base, shots, work] = process.argv.slice(2);
const PASSWORD = 'browser-test-password';
const results = [];

async function step(name, fn) {
  try {
    await fn();
    results.push([name, true]);
    console.log(`ok   ${name}`);
  } catch (e) {
    results.push([name, false]);
    console.log(`FAIL ${name}: ${e.stack || e}`);
  }
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
         '--disable-sync', '--no-first-run', '--disable-quic'],
});

async function login(page, org, name) {
  await page.goto(`${base}/login?lang=en`);
  await page.fill('input[name=org]', org);
  await page.fill('input[name=name]', name);
  await page.fill('input[name=password]', PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  assert.match(page.url(), /\/queue$/, `signed in as ${org}/${name}`);
}

const phone = { viewport: { width: 390, height: 844 }, locale: 'th-TH' };
const desk = { viewport: { width: 1100, height: 900 }, acceptDownloads: true };

await step('public checker in Thai shows the flags', async () => {
  const ctx = await browser.newContext(phone);
  const page = await ctx.newPage();
  await page.goto(`${base}/`);
  assert.equal(await page.getAttribute('html', 'lang'), 'th', 'Accept-Language picks Thai');
  await page.fill('textarea[name=text]',
    'รับสมัครพนักงานด่วน ทำงานที่สีหนุวิลล์ กัมพูชา เงินเดือน 50,000 บาท ไม่ต้องมีประสบการณ์ บินฟรี ทำวีซ่าให้ ' +
    'ติดต่อ Telegram @kh_jobs_demo หรือ Line ID: hrdemo88');
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  const marks = await page.locator('mark').count();
  assert.ok(marks >= 2, `flags highlighted (${marks})`);
  assert.ok(await page.locator('text=kh_jobs_demo').count() > 0, 'contact listed');
  assert.ok(await page.locator('a[href^="tel:"]').count() > 0, 'hotlines listed');
  await page.screenshot({ path: path.join(shots, 'checker-th.png'), fullPage: true });
  await ctx.close();
});

let caseUrl = null;
await step('analyst ingests a file, opens a cluster, exports it, adopts it as an AMBER case', async () => {
  const ctx = await browser.newContext(desk);
  const page = await ctx.newPage();
  await login(page, 'ngo-a', 'ana');
  const file = path.join(work, 'offers.jsonl');
  const lines = [
    { id: 'b1', text: 'Hiring now in Sihanoukville: customer service, 1500 USD a month, no experience, free flight and visa. Telegram @kk_hr_demo' },
    { id: 'b2', text: 'Online typing job in Myawaddy, salary 1800 USD, company pays the ticket. Contact Telegram @kk_hr_demo or WhatsApp +855 12 345 678' },
    { id: 'b3', text: 'Casino marketing staff wanted in Bavet, food and room free, passport kept safe by the company. WhatsApp +855 12 345 678' },
    { id: 'b4', text: 'Weekend market stall needs a cashier in Chiang Mai, call the owner.' },
  ];
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  await page.goto(`${base}/ingest`);
  await page.setInputFiles('input[type=file]', file);
  await Promise.all([page.waitForNavigation(), page.click('form[enctype] button')]);
  assert.ok(await page.locator('.ok').count() > 0, 'upload stored');
  await page.screenshot({ path: path.join(shots, 'ingest.png'), fullPage: true });
  await page.goto(`${base}/queue`);
  await page.screenshot({ path: path.join(shots, 'queue.png'), fullPage: true });
  await page.goto(`${base}/clusters`);
  await Promise.all([page.waitForNavigation(), page.locator('main a[href^="/cluster/"]').first().click()]);
  assert.ok(await page.locator('svg circle').count() >= 3, 'graph drawn with three members');
  await page.screenshot({ path: path.join(shots, 'cluster.png'), fullPage: true });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=GRAPHML')]);
  const saved = path.join(work, 'cluster.graphml');
  await download.saveAs(saved);
  assert.match(fs.readFileSync(saved, 'utf8'), /<graphml/, 'GraphML exported');
  await page.fill('input[name=title]', 'Bavet and Myawaddy recruiter');
  await page.selectOption('form[action$="/adopt"] select[name=tlp]', 'AMBER');
  await Promise.all([page.waitForNavigation(), page.click('form[action$="/adopt"] button')]);
  assert.match(page.url(), /\/case\/\d+$/);
  caseUrl = page.url();
  await page.fill('textarea[name=body]', 'Same WhatsApp number in two boards.');
  await Promise.all([page.waitForNavigation(), page.click('form[action$="/note"] button')]);
  assert.ok(await page.locator('text=Same WhatsApp number').count() > 0, 'note kept');
  await page.screenshot({ path: path.join(shots, 'case.png'), fullPage: true });
  // A document with its reasons highlighted and selectors linked to search.
  await page.goto(`${base}/doc/1`);
  assert.ok(await page.locator('mark').count() > 0);
  await page.screenshot({ path: path.join(shots, 'document.png'), fullPage: true });
  await ctx.close();
});

await step('frontline screening in Khmer, side by side with English', async () => {
  const ctx = await browser.newContext(desk);
  const page = await ctx.newPage();
  await login(page, 'ngo-a', 'ana');
  await page.goto(`${base}/screen?officer=en&person=km`);
  assert.ok(await page.locator('p[lang=km]').count() >= 11, 'eleven questions in Khmer');
  await page.check('input[name=a_q_documents][value=yes]');
  await page.check('input[name=a_q_debt][value=yes]');
  await page.check('input[name=a_q_movement][value=no]');
  await page.selectOption('select[name=referral]', { index: 4 });
  await page.screenshot({ path: path.join(shots, 'screening-form-km.png'), fullPage: false });
  await Promise.all([page.waitForNavigation(), page.click('form[method=post][action="/screen"] button')]);
  assert.match(page.url(), /\/screening\/\d+$/);
  assert.equal(await page.locator('h3').count(), 2, 'two indicators present');
  await page.screenshot({ path: path.join(shots, 'screening-result-km.png'), fullPage: true });
  await ctx.close();
});

await step('a viewer of another organisation cannot see the AMBER case', async () => {
  assert.ok(caseUrl, 'the case was made');
  const ctx = await browser.newContext(desk);
  const page = await ctx.newPage();
  await login(page, 'ngo-b', 'vic');
  const resp = await page.goto(caseUrl);
  assert.equal(resp.status(), 404);
  assert.equal(await page.locator('text=Bavet and Myawaddy').count(), 0);
  await page.goto(`${base}/cases`);
  assert.equal(await page.locator('text=Bavet and Myawaddy').count(), 0, 'not listed either');
  await page.goto(caseUrl);
  await page.screenshot({ path: path.join(shots, 'other-org-viewer-404.png') });
  await ctx.close();
});

await step('the checker in Burmese and Khmer renders their scripts', async () => {
  const ctx = await browser.newContext(phone);
  const page = await ctx.newPage();
  for (const l of ['my', 'km', 'zh']) {
    await page.goto(`${base}/?lang=${l}`);
    assert.equal(await page.getAttribute('html', 'lang'), l);
    await page.screenshot({ path: path.join(shots, `home-${l}.png`) });
  }
  await ctx.close();
});

await browser.close();
const failed = results.filter((r) => !r[1]).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
