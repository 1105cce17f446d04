// @ts-check
// The address bar: the place (number, conversation, message, search) lives in the URL's fragment so
// a reload or a shared link returns to it.
import { $ } from './dom.js';
import { state } from './state.js';

export function saveLocation() {
  const p = new URLSearchParams();
  if (state.number) p.set('number', state.number);
  if (state.peer) p.set('with', state.peer);
  if (state.detailSid) p.set('message', state.detailSid);
  if (state.query) p.set('q', state.query);
  const hash = p.toString();
  if (location.hash.slice(1) !== hash) history.replaceState(null, '', hash ? `#${hash}` : location.pathname);
}

export function readLocation() {
  const p = new URLSearchParams(location.hash.slice(1));
  state.number = p.get('number');
  state.peer = p.get('with');
  state.detailSid = p.get('message');
  state.query = p.get('q') ?? '';
  $('search', HTMLInputElement).value = state.query;
}
