// @ts-check
// Search over all stored messages: the box in the banner (typing, Enter, Escape, "/" to jump there)
// and the result list that replaces the thread while a query is active.
import { api, messageOf } from './api.js';
import { showDetail } from './detail-pane.js';
import { $, badge, h, isolated, shortTime } from './dom.js';
import { noteSeen } from './live.js';
import { saveLocation } from './location.js';
import { PAGE, state } from './state.js';

/** @param {{ more?: boolean }} [options] more: append the next page to the results */
async function runSearch({ more = false } = {}) {
  const status = $('results-status');
  const searching = state.query !== '';
  $('results').hidden = !searching;
  $('thread-section').hidden = searching;
  saveLocation();
  if (!searching) return;
  try {
    const page = await api.messages({ q: state.query, before: more ? state.resultsNext : undefined, limit: PAGE });
    state.results = more ? [...state.results, ...page.messages] : page.messages;
    state.resultsNext = page.next_before;
    for (const m of page.messages) noteSeen(m);
    status.textContent = state.results.length
      ? `${state.results.length}${state.resultsNext ? '+' : ''} message${state.results.length === 1 ? '' : 's'} match “${state.query}”`
      : `No messages match “${state.query}”`;
    status.classList.remove('error');
  } catch (err) {
    state.results = [];
    state.resultsNext = null;
    status.textContent = messageOf(err);
    status.classList.add('error');
  }
  $('result-list').replaceChildren(
    ...state.results.map((m) =>
      h(
        'li',
        {},
        h(
          'button',
          { type: 'button', class: 'result', dataset: { sid: m.sid }, onclick: () => showDetail(m.sid) },
          h('span', { class: 'route' }, isolated(m.from), ' → ', isolated(m.to)),
          h('time', { class: 'muted small' }, shortTime(m.date_created)),
          badge(m.status),
          h('span', { class: 'muted small' }, m.direction),
          h('span', { class: 'snippet' }, isolated(m.body || (m.media.length ? '📎 media' : '(no text)'))),
        ),
      ),
    ),
  );
  $('results-more').hidden = state.resultsNext === null;
}

/** @type {import('./parts.js').Part} */
export const search = {
  wire() {
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let searchTimer;
    const box = $('search', HTMLInputElement);
    box.addEventListener('input', () => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(() => {
        state.query = box.value.trim();
        void runSearch();
      }, 200);
    });
    $('search-form').addEventListener('submit', (e) => {
      e.preventDefault();
      state.query = box.value.trim();
      void runSearch();
    });
    box.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        box.value = '';
        state.query = '';
        void runSearch();
      }
    });
    document.addEventListener('keydown', (e) => {
      const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement?.tagName ?? '');
      if (e.key === '/' && !typing) {
        e.preventDefault();
        box.focus();
      }
    });
    $('results-more').addEventListener('click', () => void runSearch({ more: true }));
  },
  async start() {
    if (state.query) await runSearch();
  },
  async refresh() {
    if (state.query) await runSearch();
  },
};
