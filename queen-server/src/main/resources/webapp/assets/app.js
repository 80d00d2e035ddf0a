// The dashboard's shell: sign-in when the server asks for a token, the hash router, live refresh.
import { api, h, session, replace, toast } from './lib.js';

const main = document.getElementById('main');
const REFRESH_MS = 5000;
const routes = [
  [/^\/?$/, 'overview'],
  [/^\/queues\/?$/, 'queues'],
  [/^\/queues\/(.+)$/, 'queue'],
  [/^\/groups\/?$/, 'groups'],
  [/^\/groups\/(.+)$/, 'group'],
  [/^\/messages\/?$/, 'messages'],
  [/^\/messages\/([^/]+)\/(.+)$/, 'message'],
  [/^\/streams\/?$/, 'streams'],
  [/^\/streams\/(.+)$/, 'stream'],
  [/^\/dlq\/?$/, 'dlq'],
  [/^\/system\/?$/, 'system'],
];
const navOf = { queue: 'queues', group: 'groups', message: 'messages', stream: 'streams' };

let current = null; // { refresh, dispose } of the page on screen
let generation = 0;

/** Asks the server what this tab's token allows; false when a (new) token is needed. */
async function whoAmI() {
  const me = await api('/api/v1/access');
  session.auth = me.authentication;
  if (!me.level) {
    session.lastError = session.token ? me.error : null;
    return false;
  }
  session.level = me.level;
  document.getElementById('who').textContent = me.authentication
    ? (me.subject ? me.subject + ' · ' : '') + me.level.replace('_', '-').toLowerCase() : '';
  document.getElementById('logout').hidden = !me.authentication;
  return true;
}

function login(message) {
  generation++;
  if (current && current.dispose) current.dispose();
  current = null;
  const input = h('textarea', { id: 'token', placeholder: 'eyJhbGciOi…', autofocus: true });
  const form = h('form', {
    class: 'card login', onsubmit: async ev => {
      ev.preventDefault();
      session.setToken(input.value.trim());
      if (await whoAmI()) route(); else login('That token was not accepted: ' + session.lastError);
    },
  },
  h('h1', {}, 'Sign in'),
  h('p', { class: 'muted' }, 'This server requires a token (JWT). It is kept in this tab only (session storage).'),
  message ? h('p', { class: 'badge bad' }, message) : null,
  input, h('p', {}, h('button', { class: 'primary', type: 'submit' }, 'Sign in')));
  replace(main, form);
}

async function route() {
  const path = (location.hash.replace(/^#/, '').split('?')[0]) || '/';
  let name = 'notfound';
  let args = [];
  for (const [re, page] of routes) {
    const m = path.match(re);
    if (m) { name = page; args = m.slice(1).map(decodeURIComponent); break; }
  }
  const nav = navOf[name] || name;
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.page === nav);
  const mine = ++generation;
  delete main.dataset.ready;
  if (current && current.dispose) current.dispose();
  current = null;
  if (name === 'notfound') {
    replace(main, h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '#/' }, 'Back to the overview')));
    return;
  }
  try {
    const module = await import(`./pages/${name}.js`);
    if (mine !== generation) return;
    const el = h('div', { class: 'page', 'data-page': name });
    replace(main, el);
    current = (await module.render(el, ...args)) || {};
    if (current.refresh && mine === generation) await current.refresh();
    main.dataset.ready = name; // the browser tests wait for this
  } catch (e) {
    if (mine !== generation) return;
    if (e.status === 401) return; // the sign-in form is showing
    replace(main, h('h1', {}, 'Something went wrong'), h('pre', {}, e.message));
  }
}

async function tick() {
  if (document.hidden || !document.getElementById('live').checked || !current || !current.refresh) return;
  const mine = generation;
  try {
    await current.refresh();
  } catch (e) {
    if (mine === generation && e.status !== 401) toast('Refresh failed: ' + e.message, true);
  }
}

window.addEventListener('queen:unauthorized', () => login(session.token ? 'The token was refused or has expired.' : null));
window.addEventListener('hashchange', route);
document.addEventListener('visibilitychange', () => { if (!document.hidden) tick(); });
document.getElementById('logout').addEventListener('click', () => { session.setToken(null); login(); });
setInterval(tick, REFRESH_MS);

(async () => {
  try {
    if (await whoAmI()) route(); else login(session.lastError);
  } catch (e) {
    replace(main, h('h1', {}, 'The server did not answer'), h('pre', {}, e.message));
  }
})();
