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
	['meeting registration', '/meetings/17/register'],
	['proposals', '/proposals'],
	['proposal', '/proposals/1'],
	['documents', '/documents'],
	['document', '/documents/cwg-internet-16-1'],
	['log', '/log'],
	['receipts check', '/receipts'],
	['login', '/login'],
	['register', '/register'],
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
	['admin: registrants', '/admin/meetings/17/registrants'],
	['reports', '/reports'],
];

// check: one TAP line for the page as it is in PAGE now
async function check(page, name, lang) {
	const v = await axe(page);
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
		await check(page, 'respond: received', lang);
		await visit(page, base, 'receipt', `/receipts/${id}`, lang, {});
	} catch (e) {
		ok(false, `axe: respond pages (${lang})`, String(e).split('\n')[0]);
	}
}

export async function axeAll(browser, base, who, { langs = LANGS } = {}) {
	const anon = await newContext(browser);
	const page = await anon.newPage();
	await page.goto(`${base}/consultations/${OPEN_ROUND}`);
	const response = await page.$eval('main a[href^="/responses/"]', (a) => a.getAttribute('href').split('/')[2]);
	const sec = await newContext(browser);
	const spage = await sec.newPage();
	await login(spage, base, who);
	for (const lang of langs) {
		for (const [name, path] of PUBLIC)
			await visit(page, base, name, path, lang, { response });
		await respondPages(page, base, lang);
		for (const [name, path] of SECRETARIAT)
			await visit(spage, base, name, path, lang, { response });
	}
	await sec.close();
	await anon.close();
}
