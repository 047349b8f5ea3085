// flows.js: what a person does with the site in a browser: respond with an attachment and get the
// receipt; the same by keyboard alone, errors included; search in Chinese and Arabic; the
// secretariat withholds a response; switching language. Each check is one TAP line.
import { basename } from 'node:path';
import { ok, eq, step, newContext, login, OPEN_ROUND, FIXTURE_PDF } from './lib.js';

const ROUND_URL = (base) => `${base}/consultations/${OPEN_ROUND}`;
const ARABIC = /[\u0600-\u06FF]/;
const HAN = /[\u4E00-\u9FFF]/;

// The fields of the response form, in the order Tab must reach them.
export const FORM_ORDER = ['f-name', 'f-organization', 'f-job_title', 'f-country', 'f-stakeholder_type',
	'f-email', 'publish_as', 'f-language', 'f-summary', 'f-answer_1', 'f-answer_2', 'f-answer_3',
	'f-answer_4', 'f-attachments', 'f-consent', 'submit'];

// focused: a short name of the focused element: its id, a radio's name, "submit", or its tag
async function focused(page) {
	return page.evaluate(() => {
		const e = document.activeElement;
		if (!e || e === document.body)
			return 'body';
		if (e.type === 'radio')
			return e.name;
		if (e.tagName === 'BUTTON' && e.type === 'submit' && e.closest('form.respond'))
			return 'submit';
		return e.id || `${e.tagName.toLowerCase()}${e.getAttribute('href') ? '[href=' + e.getAttribute('href') + ']' : ''}`;
	});
}

// tabTo: presses Tab (or Shift+Tab) until the focused element is WANT; the names passed on the way
async function tabTo(page, want, { back = false, max = 120 } = {}) {
	const seen = [];
	for (let i = 0; i < max; i++) {
		await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
		const f = await focused(page);
		seen.push(f);
		if (f === want)
			return seen;
	}
	throw new Error(`Tab never reached ${want}; passed ${seen.slice(-12).join(', ')}`);
}

// Reads the receipt on the page after a submission: the response's id and its hash.
async function receiptOf(page) {
	const dl = await page.$('dl.receipt');
	if (!dl)
		return null;
	return page.evaluate(() => {
		const d = {};
		const dts = document.querySelectorAll('dl.receipt dt');
		for (const dt of dts)
			d[dt.textContent.trim()] = dt.nextElementSibling.textContent.trim();
		const a = document.querySelector('dl.receipt a[href^="/responses/"]');
		return { id: a ? a.textContent.trim() : null, href: a ? a.getAttribute('href') : null,
			hash: (document.querySelector('dl.receipt code') || {}).textContent || null };
	});
}

// checkReceipt: the receipt names a response id and a SHA-256; the public receipt page shows the
// same hash; the API agrees; the response's public page exists and lists the attachment.
async function checkReceipt(ctx, base, rc, what, attachment) {
	ok(rc && /^[a-z0-9]{12}$/.test(rc.id || ''), `${what}: the receipt names the response's id`, JSON.stringify(rc));
	ok(rc && /^[0-9a-f]{64}$/.test(rc.hash || ''), `${what}: the receipt shows a SHA-256`, JSON.stringify(rc));
	if (!rc || !rc.id)
		return;
	const p = await ctx.newPage();
	await step(`${what}: /receipts/${rc.id} shows the same hash`, async () => {
		const r = await p.goto(`${base}/receipts/${rc.id}`);
		if (r.status() !== 200)
			return `status ${r.status()}`;
		const text = await p.textContent('main');
		return text.includes(rc.hash) || `hash ${rc.hash} not on the page`;
	});
	await step(`${what}: the API's receipt has the same hash`, async () => {
		const r = await p.request.get(`${base}/api/v1/responses/${rc.id}/receipt`);
		const body = await r.text();
		return (r.status() === 200 && body.includes(rc.hash)) || `status ${r.status()}: ${body.slice(0, 300)}`;
	});
	await step(`${what}: the response's public page exists${attachment ? ' and lists the attachment' : ''}`, async () => {
		const r = await p.goto(`${base}/responses/${rc.id}`);
		if (r.status() !== 200)
			return `status ${r.status()}`;
		if (!attachment)
			return true;
		const link = await p.$(`main a[href^="/responses/${rc.id}/attachments/"]`);
		const text = await p.textContent('main');
		return (link !== null && text.includes(attachment)) || `no link to the attachment ${attachment}`;
	});
	await p.close();
}

// ---- Respond with an attachment, by mouse and form filling ----------------------------------------
export async function respond(browser, base) {
	const ctx = await newContext(browser);
	const page = await ctx.newPage();
	await step('respond: the open round links to its form', async () => {
		await page.goto(ROUND_URL(base));
		await Promise.all([page.waitForNavigation(), page.click(`main a[href="/consultations/${OPEN_ROUND}/respond"]`)]);
		return (await page.$('form.respond')) !== null;
	});
	await page.fill('#f-name', 'Ines Browser');
	await page.fill('#f-organization', 'Example Browser Institute (test)');
	await page.fill('#f-job_title', 'Researcher');
	await page.selectOption('#f-country', 'FR');
	await page.selectOption('#f-stakeholder_type', 'academia');
	await page.fill('#f-email', 'ines.browser@example.org');
	await page.check('input[name=publish_as][value=name]');
	await page.fill('#f-summary', 'Universal acceptance of internationalized domain names needs registries and browsers alike.');
	await page.fill('#f-answer_1', 'Software that refuses non-ASCII addresses.');
	await page.setInputFiles('#f-attachments', FIXTURE_PDF);
	await page.check('#f-consent');
	const [resp] = await Promise.all([page.waitForNavigation(), page.click('form.respond button[type=submit]')]);
	eq(resp.status(), 201, 'respond: sending the form with a PDF answers 201 Created');
	const h1 = await page.textContent('h1');
	ok(/received/i.test(h1), 'respond: the receipt page says the response is received', h1);
	await checkReceipt(ctx, base, await receiptOf(page), 'respond', basename(FIXTURE_PDF));
	await ctx.close();
}

// ---- The whole respond flow by keyboard alone ---------------------------------------------------
export async function keyboard(browser, base) {
	const ctx = await newContext(browser);
	const page = await ctx.newPage();
	const kb = page.keyboard;
	await page.goto(ROUND_URL(base));

	// From the top of the consultation: Tab to "Respond", Enter.
	await step('keyboard: Tab reaches the respond link from the top of the page; Enter opens the form', async () => {
		await tabTo(page, `a[href=/consultations/${OPEN_ROUND}/respond]`);
		await Promise.all([page.waitForNavigation(), kb.press('Enter')]);
		return (await page.$('form.respond')) !== null || 'no form after Enter';
	});
	await step('keyboard: the first Tab on a page focuses the "skip to content" link', async () => {
		const f = await tabTo(page, 'a[href=#main]', { max: 1 });
		return f.length === 1;
	});
	// The form's fields, in order, by Tab, and none skipped nor the hidden honeypot reached.
	const order = [];
	await step('keyboard: Tab reaches every field of the form in reading order, never the hidden trap field', async () => {
		const seen = await tabTo(page, 'submit', { max: 200 });
		for (const f of seen)
			if (FORM_ORDER.includes(f) && order[order.length - 1] !== f)
				order.push(f);
		if (seen.includes('f-website'))
			return 'the honeypot field took the focus';
		return JSON.stringify(order) === JSON.stringify(FORM_ORDER) || `order: ${order.join(', ')}`;
	});
	await step('keyboard: every element Tab reaches on the form page shows a visible focus outline (WCAG 2.4.7)', async () => {
		await page.goto(`${base}/consultations/${OPEN_ROUND}/respond`);
		const bad = [];
		for (let i = 0; i < 60; i++) {
			await kb.press('Tab');
			const f = await page.evaluate(() => {
				const e = document.activeElement;
				if (!e || e === document.body)
					return null;
				const st = getComputedStyle(e);
				return { name: e.id || e.name || e.tagName + ':' + (e.textContent || '').trim().slice(0, 20),
					 visible: (st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 2) || st.boxShadow !== 'none' };
			});
			if (f && !f.visible)
				bad.push(f.name);
		}
		return bad.length === 0 || `no visible focus on: ${bad.join(', ')}`;
	});
	await step('keyboard: Shift+Tab goes back from the consent box to the attachments', async () => {
		await tabTo(page, 'f-consent', { max: 200 });
		await kb.press('Tab');
		await tabTo(page, 'f-consent', { back: true, max: 3 });
		await tabTo(page, 'f-attachments', { back: true, max: 1 });
		return true;
	});

	// Fill it in: focus each field by Tab from the previous one, type.
	const fill = async (blankSummary) => {
		await page.goto(`${base}/consultations/${OPEN_ROUND}/respond`);
		await tabTo(page, 'f-name');
		await kb.type('Kim Keyboard');
		await tabTo(page, 'f-organization', { max: 1 });
		await kb.type('Example Keyboard Society (test)');
		await tabTo(page, 'f-job_title', { max: 1 });
		await kb.type('Coordinator');
		await tabTo(page, 'f-country', { max: 1 });
		await kb.type('Kenya');	// type-ahead in a closed select
		await tabTo(page, 'f-stakeholder_type', { max: 1 });
		await kb.type('Civil');
		await tabTo(page, 'f-email', { max: 1 });
		await kb.type('kim.keyboard@example.org');
		await tabTo(page, 'publish_as', { max: 1 });
		await kb.press('ArrowDown');	// "my organization only"
		await tabTo(page, 'f-language', { max: 1 });
		await tabTo(page, 'f-summary', { max: 1 });
		await kb.type(blankSummary ? '   ' : 'Local content needs local languages, and keyboards for them.');
		await tabTo(page, 'f-answer_1', { max: 1 });
		await kb.type('Registries can accept IDN e-mail first.');
		await tabTo(page, 'f-attachments', { max: 8 });
		await page.setInputFiles('#f-attachments', FIXTURE_PDF);	// the file chooser itself is the system's
		await tabTo(page, 'f-consent', { max: 1 });
		await kb.press('Space');
		await tabTo(page, 'submit', { max: 1 });
	};

	// 1. A required field left empty: the browser's own check stops the form and focuses it.
	await step('keyboard: an empty required field: Enter on "Send" keeps the form and focuses that field', async () => {
		await page.goto(`${base}/consultations/${OPEN_ROUND}/respond`);
		await tabTo(page, 'f-consent', { max: 200 });
		await kb.press('Space');
		await tabTo(page, 'submit', { max: 1 });
		await kb.press('Enter');
		await page.waitForTimeout(200);
		const f = await focused(page);
		return (new URL(page.url()).pathname.endsWith('/respond') && f === 'f-name') || `focus on ${f}, at ${page.url()}`;
	});

	// 2. A summary of spaces passes the browser's check; the server refuses it.
	await fill(true);
	await step('keyboard: a blank summary: Enter on "Send" sends the form; the server shows it again', async () => {
		await Promise.all([page.waitForNavigation(), kb.press('Enter')]);
		return (await page.$('form.respond')) !== null || 'no form';
	});
	const err = await page.evaluate(() => {
		const s = document.querySelector('.error-summary');
		const t = document.getElementById('f-summary');
		const by = t && t.getAttribute('aria-describedby');
		const msg = by && document.getElementById(by.split(' ')[0]);
		return {
			summaryRole: s && (s.getAttribute('role') || s.getAttribute('aria-live')),
			summaryText: s && s.textContent,
			invalid: t && t.getAttribute('aria-invalid'),
			describedBy: by, message: msg && msg.textContent,
			link: !!(s && s.querySelector('a[href="#f-summary"]')),
			kept: (document.getElementById('f-name') || {}).value,
		};
	});
	ok(err.summaryRole === 'alert' || /polite|assertive/.test(err.summaryRole || ''),
		'keyboard: the error summary is announced (role=alert)', JSON.stringify(err));
	ok(err.invalid === 'true', 'keyboard: the summary field is marked aria-invalid', JSON.stringify(err));
	ok(!!err.message && err.message.trim().length > 0 && err.summaryText.includes(err.message.trim()),
		'keyboard: the field\'s aria-describedby names an element with the error the summary lists', JSON.stringify(err));
	eq(err.kept, 'Kim Keyboard', 'keyboard: what was typed is kept');
	ok(err.link, 'keyboard: the error summary links to the field', JSON.stringify(err));
	await step('keyboard: Tab reaches the error\'s link; Enter moves the focus into the field', async () => {
		await page.evaluate(() => document.activeElement && document.activeElement.blur());
		await tabTo(page, 'a[href=#f-summary]', { max: 60 });
		await kb.press('Enter');
		await page.waitForTimeout(100);
		const f = await focused(page);
		return f === 'f-summary' || `focus on ${f}`;
	});
	// 3. Correct it by keyboard and send with Space on the button.
	await step('keyboard: correcting the summary and pressing Space on "Send" gives the receipt', async () => {
		await kb.type('Local content needs local languages.');
		await page.setInputFiles('#f-attachments', FIXTURE_PDF);	// files are never kept by a browser
		const consent = await page.evaluate(() => document.getElementById('f-consent').checked);
		await tabTo(page, 'f-consent', { max: 20 });
		if (!consent)
			await kb.press('Space');
		await tabTo(page, 'submit', { max: 1 });
		await Promise.all([page.waitForNavigation(), kb.press('Space')]);
		return (await page.$('dl.receipt')) !== null || (await page.textContent('main')).slice(0, 400);
	});
	await checkReceipt(ctx, base, await receiptOf(page), 'keyboard', basename(FIXTURE_PDF));
	await ctx.close();
}

// ---- Search in Chinese and Arabic ----------------------------------------------------------------
export async function search(browser, base, { javaScript = true } = {}) {
	const tag = javaScript ? 'search' : 'no-JS search';
	const ctx = await newContext(browser, { javaScriptEnabled: javaScript });
	const page = await ctx.newPage();
	for (const [lang, term, script, dir] of [['zh', '互联网', HAN, 'ltr'], ['ar', 'الإنترنت', ARABIC, 'rtl']]) {
		await page.goto(`${base}/search?lang=${lang}`);
		await page.fill('#f-q', term);
		await Promise.all([page.waitForNavigation(), page.press('#f-q', 'Enter')]);
		const r = await page.evaluate(() => ({
			lang: document.documentElement.lang, dir: document.documentElement.dir,
			marks: [...document.querySelectorAll('main mark')].map((m) => m.textContent),
			h1: document.querySelector('h1') && document.querySelector('h1').textContent,
			q: new URL(location.href).searchParams.get('q'),
		}));
		eq(r.q, term, `${tag} (${lang}): the form sends the query`);
		ok(r.marks.length > 0 && r.marks.some((m) => m.includes(term)),
			`${tag} (${lang}): results mark the term ${term}`, JSON.stringify(r.marks.slice(0, 5)));
		ok(r.lang === lang && r.dir === dir, `${tag} (${lang}): <html lang=${lang} dir=${dir}>`, JSON.stringify(r));
		ok(script.test(r.h1 || ''), `${tag} (${lang}): the heading is in the page's script`, r.h1);
	}
	await ctx.close();
}

// ---- The secretariat withholds a response --------------------------------------------------------
export async function moderation(browser, base, who) {
	const anon = await newContext(browser);
	const pub = await anon.newPage();
	await pub.goto(ROUND_URL(base));
	const listed = () => pub.$$eval('main a[href^="/responses/"]', (as) => as.map((a) => a.getAttribute('href').split('/')[2]));
	const before = await listed();
	ok(before.length > 0, 'moderation: the open round lists published responses', JSON.stringify(before));
	const id = before[0];
	await pub.goto(`${base}/responses/${id}`);
	const content = ((await pub.textContent('main div.summary')) || '').trim().slice(0, 60);
	ok(content.length > 10, 'moderation: the response\'s page shows its summary before', content);

	const ctx = await newContext(browser);
	const page = await ctx.newPage();
	await step('moderation: the secretariat logs in through the form', () => login(page, base, who).then(() => true));
	await step('moderation: /admin/moderation lists the response with a Withhold form', async () => {
		await page.goto(`${base}/admin/moderation`);
		return (await page.$(`#reason-${id}`)) !== null || `no reason field for ${id}`;
	});
	const reason = 'Withheld by the browser test: off topic.';
	await step('moderation: withholding with a reason', async () => {
		await page.fill(`#reason-${id}`, reason);
		const [r] = await Promise.all([page.waitForNavigation(),
			page.click(`form[action="/admin/responses/${id}/withhold"] button[type=submit]`)]);
		return r.status() < 400 || `status ${r.status()}`;
	});
	await step('moderation: the queue no longer offers it; its admin page says withheld, with the reason', async () => {
		await page.goto(`${base}/admin/moderation`);
		if (await page.$(`#reason-${id}`))
			return 'still in the queue with a Withhold form';
		await page.goto(`${base}/admin/responses/${id}`);
		const text = await page.textContent('dl.respondent');
		return (/Withheld/i.test(text) && text.includes(reason)) || text.slice(0, 300);
	});
	// The public pages may be reused for a second (page cache): wait that long at most.
	await step('moderation: anonymous: gone from the round\'s public list', async () => {
		for (let i = 0; i < 30; i++) {
			await pub.goto(ROUND_URL(base));
			if (!(await listed()).includes(id))
				return true;
			await pub.waitForTimeout(100);
		}
		return `${id} still listed`;
	});
	await step('moderation: anonymous: gone from the API\'s list', async () => {
		const r = await pub.request.get(`${base}/api/v1/consultations/${OPEN_ROUND}/responses?limit=100`);
		const j = await r.json();
		return !j.items.some((x) => x.id === id) || `${id} in the API list`;
	});
	await step('moderation: anonymous: its page shows the reason, not the content', async () => {
		const r = await pub.goto(`${base}/responses/${id}`);
		const text = await pub.textContent('main');
		if (content && text.includes(content))
			return `the summary is still shown: ${content}`;
		return (r.status() === 404 || r.status() === 410 || text.includes(reason)) || `status ${r.status()}: ${text.slice(0, 200)}`;
	});
	await ctx.close();
	await anon.close();
}

// ---- The language menu ---------------------------------------------------------------------------
export async function language(browser, base) {
	const ctx = await newContext(browser);
	const page = await ctx.newPage();
	await page.goto(`${base}/consultations`);
	const state = () => page.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir,
		h1: document.querySelector('h1').textContent, nav: document.querySelector('nav.main-nav').textContent,
		current: (document.querySelector('nav.langs [aria-current]') || {}).textContent }));
	let s = await state();
	ok(s.lang === 'en' && s.dir === 'ltr', 'language: English by default for an English browser', JSON.stringify(s));
	await Promise.all([page.waitForNavigation(), page.click('nav.langs a[hreflang=ar]')]);
	s = await state();
	ok(s.lang === 'ar' && s.dir === 'rtl', 'language: the menu\'s العربية gives <html lang=ar dir=rtl>', JSON.stringify(s));
	ok(ARABIC.test(s.h1) && ARABIC.test(s.nav), 'language: Arabic heading and navigation', JSON.stringify(s));
	eq(new URL(page.url()).pathname, '/consultations', 'language: the switch stays on the same page');
	ok(s.current === 'العربية', 'language: the menu marks the current language (aria-current)', s.current);
	const style = await page.evaluate(() => getComputedStyle(document.querySelector('main')).direction);
	eq(style, 'rtl', 'language: the layout runs right to left');
	await page.goto(`${base}/meetings`);
	s = await state();
	ok(s.lang === 'ar' && s.dir === 'rtl', 'language: Arabic persists on the next page (cookie)', JSON.stringify(s));
	await Promise.all([page.waitForNavigation(), page.click('nav.langs a[hreflang=zh]')]);
	s = await state();
	ok(s.lang === 'zh' && s.dir === 'ltr' && HAN.test(s.h1), 'language: 中文 gives <html lang=zh dir=ltr> and Chinese text', JSON.stringify(s));
	const page2 = await ctx.newPage();
	await page2.goto(`${base}/`);
	const l2 = await page2.evaluate(() => document.documentElement.lang);
	eq(l2, 'zh', 'language: Chinese persists in a new tab of the same browser');
	const cookies = await ctx.cookies(base);
	eq((cookies.find((c) => c.name === 'lang') || {}).value, 'zh', 'language: kept in the lang cookie');
	// Language of parts (WCAG 3.1.2, which axe does not check): on Arabic and Chinese pages, a run
	// of Latin words (an English text: a label entered once, a fallback) sits in an element whose
	// lang says so, or a screen reader reads it with Arabic or Chinese rules.
	for (const [lang, path] of [['ar', `/consultations/${OPEN_ROUND}`], ['ar', '/'], ['ar', '/consultations'], ['zh', '/consultations']]) {
		await step(`language: ${path} in ${lang}: Latin-script text is marked with its lang`, async () => {
			await page.goto(`${base}${path}?lang=${lang}`);
			const bad = await page.evaluate(() => {
				const out = [];
				const w = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
				for (let t; (t = w.nextNode());) {
					const el = t.parentElement;
					// Respondents' and organizations' names are proper names (exempt in 3.1.2).
					if (!/[A-Za-z]{3,} [A-Za-z]{3,}/.test(t.textContent) || el.closest('code, time, a[href^="/responses/"]'))
						continue;
					const l = el.closest('[lang]').getAttribute('lang');
					if (l === document.documentElement.lang)
						out.push(t.textContent.trim().slice(0, 50));
				}
				return out;
			});
			return bad.length === 0 || `unmarked: ${bad.slice(0, 5).join(' | ')}`;
		});
	}
	await ctx.close();
}

// ---- Without JavaScript -------------------------------------------------------------------------
export async function nojs(browser, base) {
	const ctx = await newContext(browser, { javaScriptEnabled: false });
	const page = await ctx.newPage();
	await page.goto(`${base}/consultations/${OPEN_ROUND}/respond`);
	await page.fill('#f-name', 'Noa Script');
	await page.fill('#f-organization', 'Example No-Script Club (test)');
	await page.fill('#f-job_title', 'Member');
	await page.selectOption('#f-country', 'BR');
	await page.selectOption('#f-stakeholder_type', 'individual');
	await page.fill('#f-email', 'noa@example.org');
	await page.check('input[name=publish_as][value=anonymous]');
	await page.fill('#f-summary', 'Pages that need no script reach everyone.');
	await page.setInputFiles('#f-attachments', FIXTURE_PDF);
	await page.check('#f-consent');
	const [resp] = await Promise.all([page.waitForNavigation(), page.click('form.respond button[type=submit]')]);
	eq(resp.status(), 201, 'no-JS respond: the form is sent (201 Created)');
	await checkReceipt(ctx, base, await receiptOf(page), 'no-JS respond', basename(FIXTURE_PDF));
	await ctx.close();
	await search(browser, base, { javaScript: false });
}
