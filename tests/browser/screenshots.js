// screenshots.js: PNGs of the main pages in English, Chinese and Arabic, 1280 px wide, from a
// fresh demo data folder, into docs/screenshots/LANG-PAGE.png (`make screenshots`).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, OPEN_ROUND, startServer, stopServer, launch, newContext, withLang } from './lib.js';

const OUT = join(ROOT, 'docs/screenshots');
const TERMS = { en: 'internet', zh: '互联网', ar: 'الإنترنت' };
const PAGES = [
	['home', () => '/'],
	['consultations', () => '/consultations'],
	['consultation', () => `/consultations/${OPEN_ROUND}`],
	['respond', () => `/consultations/${OPEN_ROUND}/respond`],
	['search', (lang) => `/search?q=${encodeURIComponent(TERMS[lang])}`],
	['meeting', () => '/meetings/16'],
	['summary', () => `/consultations/${OPEN_ROUND}/summary`],
	['log', () => '/log'],
];
const WIDTH = 1280;
const HEIGHT = 1000;	// the top of each page: what a reader sees first

let browser = null;
let code = 0;
try {
	const srv = await startServer({ responses: 40 });
	browser = await launch();
	mkdirSync(OUT, { recursive: true });
	for (const lang of ['en', 'zh', 'ar']) {
		const ctx = await newContext(browser, { viewport: { width: WIDTH, height: HEIGHT }, deviceScaleFactor: 1 });
		const page = await ctx.newPage();
		for (const [name, path] of PAGES) {
			const r = await page.goto(withLang(srv.base + path(lang), lang));
			if (r.status() !== 200)
				throw new Error(`${path(lang)}: status ${r.status()}`);
			const file = join(OUT, `${lang}-${name}.png`);
			await page.screenshot({ path: file, fullPage: false });
			console.log(`wrote docs/screenshots/${lang}-${name}.png`);
		}
		await ctx.close();
	}
} catch (e) {
	console.error(`screenshots: ${(e && e.stack) || e}`);
	code = 1;
} finally {
	if (browser)
		await browser.close().catch(() => {});
	await stopServer();
}
process.exit(code);
