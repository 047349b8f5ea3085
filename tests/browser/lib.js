// lib.js: what every browser test needs: a TAP printer, an Agora server of its own (a fresh demo
// data folder, a free port, stopped by its process id at the end, even on failure), Debian's
// Chromium through playwright-core, and axe-core injected from node_modules (no network).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(HERE, '../..');
export const AGORA = process.env.AGORA_BIN ? resolve(process.env.AGORA_BIN) : join(ROOT, 'build/agora');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const LANGS = ['ar', 'zh', 'en', 'fr', 'ru', 'es'];
export const OPEN_ROUND = 'multilingual-internet';	// the demo's round open now
export const FIXTURE_PDF = join(ROOT, 'tests/fixtures/extract/ar-chromium.pdf');

// ---- TAP ----------------------------------------------------------------------------------------
let n = 0;
let failures = 0;
export function ok(cond, desc, diag) {
	n++;
	if (cond) {
		console.log(`ok ${n} - ${desc}`);
	} else {
		failures++;
		console.log(`not ok ${n} - ${desc}`);
		if (diag)
			for (const line of String(diag).split('\n'))
				console.log(`# ${line}`);
	}
	return !!cond;
}
export const diag = (msg) => { for (const line of String(msg).split('\n')) console.log(`# ${line}`); };
export const failed = () => failures;
export const count = () => n;

// eq: ok with the two values shown when they differ
export function eq(got, want, desc) {
	return ok(got === want, desc, `got ${JSON.stringify(got)}, wanted ${JSON.stringify(want)}`);
}

// step DESC FN: one TAP line; an exception in FN is a failure with its message, never a crash
export async function step(desc, fn) {
	try {
		const r = await fn();
		if (r === false)
			return ok(false, desc);
		if (typeof r === 'string')
			return ok(false, desc, r);
		return ok(true, desc);
	} catch (e) {
		return ok(false, desc, (e && e.stack) ? e.stack.split('\n').slice(0, 4).join('\n') : String(e));
	}
}

// ---- The server -----------------------------------------------------------------------------------
let server = null;

function run(args) {
	return execFileSync(AGORA, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// startServer({responses}): a fresh demo data folder served on a free port; returns
// {base, data, secretariat: {email, password}, pid}
export async function startServer({ responses = 40, args = [] } = {}) {
	if (!existsSync(AGORA))
		throw new Error(`${AGORA} is missing: run make first`);
	const tmp = mkdtempSync(join(tmpdir(), 'agora-browser.'));
	const data = join(tmp, 'data');
	run(['init', '--data', data, '--demo']);
	if (responses > 0)
		run(['demo', '--data', data, '--responses', String(responses)]);
	const [email, password] = readFileSync(join(data, 'demo-login.txt'), 'utf8').trim().split(/\s+/);
	const child = spawn(AGORA, ['serve', '--data', data, '--listen', '127.0.0.1:0', '--submit-rate', '0', ...args],
		{ stdio: ['ignore', 'pipe', 'pipe'] });
	const me = { child, tmp, pid: child.pid, err: '' };
	server = me;
	child.stderr.on('data', (d) => { me.err = (me.err + d).slice(-20000); });
	const base = await new Promise((res, rej) => {
		let out = '';
		const timer = setTimeout(() => rej(new Error('the server did not start in 10 s')), 10000);
		child.stdout.on('data', (d) => {
			out += d;
			const m = out.match(/Agora is serving (http:\/\/127\.0\.0\.1:\d+)\//);
			if (m) { clearTimeout(timer); res(m[1]); }
		});
		child.on('exit', (code) => { clearTimeout(timer); rej(new Error(`the server exited (${code}): ${me.err}`)); });
	});
	Object.assign(server, { base, data });
	return { base, data, tmp, pid: child.pid, secretariat: { email, password } };
}

// stopServer: SIGTERM by its process id, SIGKILL after 5 s; removes the data folder
export async function stopServer() {
	if (!server)
		return;
	const s = server;
	server = null;
	if (s.child.exitCode === null && s.child.signalCode === null) {
		const gone = new Promise((res) => s.child.once('exit', res));
		process.kill(s.pid, 'SIGTERM');
		const t = setTimeout(() => { try { process.kill(s.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
		await gone;
		clearTimeout(t);
	}
	const lines = s.err.split('\n').filter((l) => l.trim() && !/ info /.test(l)).slice(-20);
	if (failures > 0 && lines.length)
		diag('last lines of the server\'s log:\n' + lines.join('\n'));
	rmSync(s.tmp, { recursive: true, force: true });
}

// Even on an exception or ^C the server goes (synchronously, by its pid).
function killNow() {
	if (server) {
		try { process.kill(server.pid, 'SIGKILL'); } catch { /* gone */ }
		try { rmSync(server.tmp, { recursive: true, force: true }); } catch { /* ignore */ }
		server = null;
	}
}
process.on('exit', killNow);
for (const sig of ['SIGINT', 'SIGTERM'])
	process.on(sig, () => { killNow(); process.exit(130); });

// ---- The browser ----------------------------------------------------------------------------------
// launch: Debian's Chromium, headless; --no-sandbox because the tests may run as root. If it
// cannot start, that is an error (the caller fails the run; never a skip).
export async function launch() {
	const profile = mkdtempSync(join(tmpdir(), 'agora-chromium.'));
	const browser = await chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync',
			'--disable-dev-shm-usage', '--lang=en-US'],
	});
	browser.on('disconnected', () => rmSync(profile, { recursive: true, force: true }));
	return browser;
}

// newContext: a fresh profile (no cookies); English unless told, so a test's language is its choice
export async function newContext(browser, opts = {}) {
	return browser.newContext({ locale: 'en-US', extraHTTPHeaders: { 'Accept-Language': 'en' }, ...opts });
}

// login: through the login form, as a person would
export async function login(page, base, who) {
	await page.goto(`${base}/login`);
	await page.fill('#f-email', who.email);
	await page.fill('#f-password', who.password);
	await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
	if (new URL(page.url()).pathname === '/login')
		throw new Error('login failed: ' + (await page.textContent('main')).slice(0, 200));
}

// withLang: the URL with ?lang=xx (or &lang=xx)
export function withLang(url, lang) {
	return url + (url.includes('?') ? '&' : '?') + 'lang=' + lang;
}

// ---- axe-core -------------------------------------------------------------------------------------
const AXE_SOURCE = readFileSync(join(HERE, 'node_modules/axe-core/axe.min.js'), 'utf8');
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// axe PAGE: the WCAG 2.1 A and AA violations of the page as it is now
export async function axe(page) {
	if (!(await page.evaluate(() => typeof window.axe === 'object')))
		await page.addScriptTag({ content: AXE_SOURCE });
	return page.evaluate(async (tags) => {
		const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
		return r.violations.map((v) => ({
			id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.map((nd) => ({ target: nd.target.join(' '), summary: nd.failureSummary })),
		}));
	}, AXE_TAGS);
}

// axeReport: one line per violation: rule, impact, how many nodes, the first nodes' selectors
export function axeReport(violations) {
	return violations.map((v) => `${v.id} (${v.impact}, ${v.nodes.length} node(s)): ${v.help}\n` +
		v.nodes.slice(0, 3).map((nd) => `  at ${nd.target}\n    ${(nd.summary || '').split('\n').slice(0, 2).join(' / ')}`).join('\n')).join('\n');
}
