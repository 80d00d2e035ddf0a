// Shared helpers of the dashboard: the API client, a tiny DOM builder, formatting, dialogs.
const TOKEN_KEY = 'queen.token';
const LEVELS = ['READ_ONLY', 'READ_WRITE', 'ADMIN'];

export const session = {
  token: sessionStorage.getItem(TOKEN_KEY),
  level: 'READ_ONLY',
  auth: false,
  setToken(t) {
    this.token = t || null;
    if (t) sessionStorage.setItem(TOKEN_KEY, t); else sessionStorage.removeItem(TOKEN_KEY);
  },
  /** Whether the caller's level reaches `needed` (the server checks again on every call). */
  can(needed) { return LEVELS.indexOf(this.level) >= LEVELS.indexOf(needed); },
};

export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

export async function api(path, { method = 'GET', body } = {}) {
  const headers = {};
  if (session.token) headers.Authorization = 'Bearer ' + session.token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = text; }
  }
  if (!res.ok) {
    const message = data && data.error ? data.error : res.status + ' ' + res.statusText;
    if (res.status === 401) window.dispatchEvent(new CustomEvent('queen:unauthorized'));
    throw new ApiError(res.status, message);
  }
  return data;
}

export function qs(params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') p.set(k, v);
  }
  const s = p.toString();
  return s ? '?' + s : '';
}

/** h('a', {href: '#/'}, 'text', child) - children are text or nodes; text is never parsed as HTML. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k in el && k !== 'list') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

export function num(n) {
  if (n === undefined || n === null || Number.isNaN(n)) return '–';
  if (typeof n === 'number' && !Number.isInteger(n)) return n.toLocaleString(undefined, { maximumFractionDigits: 2 });
  return Number(n).toLocaleString();
}

export function time(t) {
  if (!t) return '–';
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? String(t) : d.toLocaleString();
}

export function seconds(s) {
  if (s === undefined || s === null) return '–';
  if (s < 120) return Math.round(s) + ' s';
  if (s < 7200) return Math.round(s / 60) + ' min';
  return (s / 3600).toFixed(1) + ' h';
}

export function bytes(n) {
  if (n === undefined || n === null) return '–';
  if (n < 1024) return n + ' B';
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KB';
  return (n / 1024 / 1024).toFixed(1) + ' MB';
}

export function badge(text) { return h('span', { class: 'badge ' + text }, text); }

export function toast(message, error = false) {
  const el = h('div', { class: error ? 'error' : '' }, message);
  document.getElementById('toast').append(el);
  setTimeout(() => el.remove(), error ? 7000 : 3500);
}

/** Runs an action, reporting its outcome; returns its result or undefined when it failed. */
export async function act(label, fn) {
  try {
    const r = await fn();
    toast(label + ': done');
    return r;
  } catch (e) {
    toast(label + ': ' + e.message, true);
    return undefined;
  }
}

export function confirmAction(text) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  return new Promise(resolve => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'yes'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
  });
}

/** A table; columns are [heading, row => cell, className?]. */
export function table(columns, rows, empty = 'Nothing here.') {
  if (!rows.length) return h('p', { class: 'muted' }, empty);
  return h('table', {},
    h('thead', {}, h('tr', {}, columns.map(c => h('th', { class: c[2] || '' }, c[0])))),
    h('tbody', {}, rows.map(r => h('tr', {}, columns.map(c => h('td', { class: c[2] || '' }, c[1](r)))))));
}

/** Previous/next buttons for a server-side page; total may be unknown. */
export function pager(offset, limit, count, total, go) {
  const to = offset + count;
  return h('div', { class: 'bar' },
    h('button', { disabled: offset === 0, onclick: () => go(Math.max(0, offset - limit)) }, '‹ prev'),
    h('span', { class: 'muted' }, count ? `${offset + 1}–${to}` + (total !== undefined ? ` of ${num(total)}` : '') : 'none'),
    h('button', { disabled: total !== undefined ? to >= total : count < limit, onclick: () => go(offset + limit) }, 'next ›'));
}

export function replace(el, ...children) { el.replaceChildren(...children.flat().filter(c => c != null && c !== false)); }

/** The hash route's query string, e.g. #/messages?queue=a */
export function routeParams() {
  const hash = location.hash;
  const i = hash.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : hash.slice(i + 1));
}

export function setRouteParams(params) {
  const base = location.hash.split('?')[0] || '#/';
  const s = qs(params);
  history.replaceState(null, '', base + s);
}

export function pretty(value) {
  if (typeof value === 'string') {
    try { return JSON.stringify(JSON.parse(value), null, 2); } catch { return value; }
  }
  return JSON.stringify(value, null, 2);
}

/** A filter form over named inputs: submitting copies their values into state, back to the first page, and calls go. */
export function filterForm(inputs, state, go) {
  return h('form', { class: 'bar', onsubmit: ev => {
    ev.preventDefault();
    for (const [field, input] of Object.entries(inputs)) state[field] = input.value.trim();
    state.offset = 0;
    go();
  } }, Object.values(inputs), h('button', { class: 'primary', type: 'submit' }, 'Filter'));
}

/** A datetime-local input's value as an ISO instant; '' stays ''. */
export function isoTime(value) { return value ? new Date(value).toISOString() : ''; }
