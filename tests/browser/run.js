// run.js [GROUP...] [--lang xx,yy]: Agora's browser tests, printed as TAP. Groups: respond,
// keyboard, search, moderation, language, nojs, axe (all when none is named). Exits 1 on any
// failure, and when Chromium cannot start (a failure, never a skip).
import { ok, diag, failed, count, startServer, stopServer, launch, LANGS } from './lib.js';
import { respond, keyboard, search, moderation, language, nojs } from './flows.js';
import { axeAll } from './axe.js';

const GROUPS = ['respond', 'keyboard', 'search', 'language', 'nojs', 'axe', 'moderation'];
const argv = process.argv.slice(2);
let langs = LANGS;
const li = argv.indexOf('--lang');
if (li >= 0) {
	langs = argv[li + 1].split(',');
	argv.splice(li, 2);
}
const bad = argv.filter((g) => !GROUPS.includes(g));
if (bad.length) {
	console.error(`run.js: unknown group ${bad.join(', ')}; groups: ${GROUPS.join(' ')}`);
	process.exit(2);
}
const want = argv.length ? GROUPS.filter((g) => argv.includes(g)) : GROUPS;	// moderation last: it withholds

let browser = null;
let code = 0;
const t0 = Date.now();
try {
	const srv = await startServer({ responses: 40 });
	diag(`server ${srv.base} (pid ${srv.pid}), data ${srv.data}`);
	try {
		browser = await launch();
	} catch (e) {
		ok(false, 'Chromium starts', String(e).split('\n').slice(0, 6).join('\n'));
		throw e;
	}
	ok(true, `Chromium ${browser.version()} starts`);
	for (const g of want) {
		const t = Date.now();
		try {
			if (g === 'respond') await respond(browser, srv.base);
			if (g === 'keyboard') await keyboard(browser, srv.base);
			if (g === 'search') await search(browser, srv.base);
			if (g === 'language') await language(browser, srv.base);
			if (g === 'nojs') await nojs(browser, srv.base);
			if (g === 'axe') await axeAll(browser, srv.base, srv.secretariat, { langs });
			if (g === 'moderation') await moderation(browser, srv.base, srv.secretariat);
		} catch (e) {
			ok(false, `${g}: ran to the end`, (e && e.stack) || String(e));
		}
		diag(`${g}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
	}
} catch (e) {
	if (failed() === 0)
		ok(false, 'the browser tests start', (e && e.stack) || String(e));
	code = 1;
} finally {
	if (browser)
		await browser.close().catch(() => {});
	await stopServer();
}
diag(`${count() - failed()} passed, ${failed()} failed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
console.log(`1..${count()}`);
process.exit(code || failed() > 0 ? 1 : 0);
