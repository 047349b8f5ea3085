// axe.js: axe-core's WCAG 2.1 A and AA rules on every page type, in each of the six languages.
// One TAP line per (page type, language); a violation prints its rule, impact and first nodes.
import { ok, newContext, login, withLang, axe, axeReport, LANGS, OPEN_ROUND, FIXTURE_PDF } from './lib.js';

const CLOSED_ROUND = 'ott';

// The public pages: [name, path]; {response} is a published demo response.
const PUBLIC = [
	['home', '/'],
	['consultations', '/consultations'],
	['consultation', `/consultations/${OPEN_ROUND}`],
	['consultation (closed)', `/consultations/${CLOSED_ROUND}`],
	['respond form', `/consultations/${OPEN_ROUND}/respond`],
	['response', '/responses/{response}'],
	['summary', `/consultations/${OPEN_ROUND}/summary`],
	['search with results', '/search?q=internet'],
	['search without results', '/search?q=zzqxjvw'],
	['search form', '/search'],
	['meetings', '/meetings'],
	['meeting', '/meetings/16'],
	['meeting registration', '/meetings/9001/register'],
	['proposals', '/proposals'],
	['proposal', '/proposals/1'],
	['documents', '/documents'],
	['document', '/documents/cwg-internet-16-1'],
	['log', '/log'],
	['receipts check', '/receipts'],
	['login', '/login'],
	['register', '/register'],
	['subscribe', '/subscribe'],
];

// The secretariat's pages (logged in).
const SECRETARIAT = [
	['account', '/account'],
	['admin: consultations', '/admin/consultations'],
	['admin: new consultation', '/admin/consultations/new'],
	['admin: edit consultation', `/admin/consultations/${OPEN_ROUND}/edit`],
	['admin: moderation', '/admin/moderation'],
	['admin: a response', '/admin/responses/{response}'],
	['admin: requests', '/admin/requests'],
	['admin: accounts', '/admin/accounts'],
	['admin: audit', '/admin/audit'],
	['admin: mail', '/admin/mail'],
	['admin: registrants', '/admin/meetings/9001/registrants'],
	['new proposal', '/proposals/new'],
	['new document', '/documents/new'],
	['reports', '/reports'],
];

// check: one TAP line for the page as it is in PAGE now
async function check(page, name, lang) {
	const t = Date.now();
	const v = await axe(page);
	if (process.env.AXE_TIMES)
		console.log(`# ${name}: ${Date.now() - t} ms`);
	const status = await page.evaluate(() => document.documentElement.lang);
	ok(v.length === 0 && status === lang, `axe: ${name} (${lang})`,
		status !== lang ? `the page is in ${status}, not ${lang}` : axeReport(v));
}

async function visit(page, base, name, path, lang, fill) {
	try {
		const r = await page.goto(withLang(base + path.replace('{response}', fill.response), lang));
		if (r.status() !== 200)
			return ok(false, `axe: ${name} (${lang})`, `GET ${path}: status ${r.status()}`);
		await check(page, name, lang);
	} catch (e) {
		ok(false, `axe: ${name} (${lang})`, String(e).split('\n')[0]);
	}
}

// The respond form sent with an error, then corrected: the form with errors, the page that
// acknowledges the response, and its public receipt.
async function respondPages(page, base, lang) {
	try {
		await page.goto(withLang(`${base}/consultations/${OPEN_ROUND}/respond`, lang));
		await page.fill('#f-name', 'Axe Checker');
		await page.fill('#f-organization', 'Example Audit Office (test)');
		await page.fill('#f-job_title', 'Auditor');
		await page.selectOption('#f-country', 'CH');
		await page.selectOption('#f-stakeholder_type', 'government');
		await page.fill('#f-email', 'axe@example.org');
		await page.fill('#f-summary', '   ');
		await page.check('#f-consent');
		await Promise.all([page.waitForNavigation(), page.click('form.respond button[type=submit]')]);
		if (!(await page.$('.error-summary')))
			return ok(false, `axe: respond form with errors (${lang})`, 'no error summary');
		await check(page, 'respond form with errors', lang);
		await page.fill('#f-summary', 'Checked by axe-core.');
		await page.setInputFiles('#f-attachments', FIXTURE_PDF);
		await Promise.all([page.waitForNavigation(), page.click('form.respond button[type=submit]')]);
		const id = await page.$eval('dl.receipt a[href^="/responses/"]', (a) => a.textContent.trim());
		const manage = await page.$eval('a.manage', (a) => a.getAttribute('href'));
		await check(page, 'respond: received', lang);
		await visit(page, base, 'receipt', `/receipts/${id}`, lang, {});
		await visit(page, base, 'manage a response', manage, lang, {});
	} catch (e) {
		ok(false, `axe: respond pages (${lang})`, String(e).split('\n')[0]);
	}
}

// axeAll: the languages split over LANES parallel pairs of browser contexts (anonymous and
// secretariat): axe takes about a second a page, and 36 page types times six languages is long.
export async function axeAll(browser, base, who, { langs = LANGS, lanes = Number(process.env.AXE_LANES || 3) } = {}) {
	const anon0 = await newContext(browser);
	const p0 = await anon0.newPage();
	await p0.goto(`${base}/consultations/${OPEN_ROUND}`);
	const response = await p0.$eval('main a[href^="/responses/"]', (a) => a.getAttribute('href').split('/')[2]);
	// The checker itself: violations planted in a real page must be found, or a silent axe
	// (not injected, no rules run) would pass every page.
	const a0 = await newContext(browser, { bypassCSP: true });
	const pp = await a0.newPage();
	await pp.goto(`${base}/`);
	await pp.evaluate(() => {
		document.querySelector('main').insertAdjacentHTML('beforeend',
			'<p style="color:#bbb;background:#fff">faint</p><img src="/static/none.png"><a href="/x"></a>');
	});
	const planted = (await axe(pp)).map((v) => v.id);
	ok(['color-contrast', 'image-alt', 'link-name'].every((id) => planted.includes(id)),
		'axe: finds the violations planted in a page (contrast, image without alt, empty link)', planted.join(', '));
	await a0.close();
	await anon0.close();
	const queue = [...langs];
	const lane = async () => {
		const anon = await newContext(browser, { bypassCSP: true });	// axe is injected as a script
		const page = await anon.newPage();
		const sec = await newContext(browser, { bypassCSP: true });
		const spage = await sec.newPage();
		await login(spage, base, who);
		for (let lang; (lang = queue.shift()) !== undefined;) {
			for (const [name, path] of PUBLIC)
				await visit(page, base, name, path, lang, { response });
			await respondPages(page, base, lang);
			for (const [name, path] of SECRETARIAT)
				await visit(spage, base, name, path, lang, { response });
		}
		await sec.close();
		await anon.close();
	};
	await Promise.all(Array.from({ length: Math.max(1, lanes) }, lane));
}
