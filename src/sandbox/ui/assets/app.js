// @ts-check
// The inbox page's entry point and its one registration point: every part of the page (numbers,
// conversations, thread, WhatsApp, search, message details, composer, settings, opt-outs, Content
// templates, Event Streams, push channel) is a module exporting hooks, listed once below in page
// order. parts.js runs the hooks; state.js holds what they share.
import { messageOf } from './api.js';
import { composer } from './composer.js';
import { conversations } from './conversations.js';
import { detailPane } from './detail-pane.js';
import { $ } from './dom.js';
import { live } from './live.js';
import { readLocation } from './location.js';
import { numbers } from './numbers.js';
import { optOuts } from './opt-outs.js';
import { eventStreams } from './event-streams.js';
import { registerParts, startParts, wireParts } from './parts.js';
import { search } from './search.js';
import { settings } from './settings.js';
import { templates } from './templates.js';
import { thread } from './thread.js';
import { whatsapp } from './whatsapp.js';

// order matters for start and refresh: numbers choose the number, conversations the peer, and so on
registerParts(
  numbers,
  conversations,
  thread,
  whatsapp,
  search,
  detailPane,
  composer,
  settings,
  optOuts,
  templates,
  eventStreams,
  live,
);

/** Skip links move focus, not just the scroll position, so keyboard users land in the right place. */
function wireSkipLinks() {
  for (const link of document.querySelectorAll('a.skip')) {
    link.addEventListener('click', (e) => {
      const href = link.getAttribute('href');
      const target = href ? document.querySelector(href) : null;
      if (!(target instanceof HTMLElement)) return;
      e.preventDefault();
      target.focus();
    });
  }
}

async function main() {
  wireSkipLinks();
  wireParts();
  readLocation();
  await startParts();
  document.body.dataset.ready = 'true';
}

main().catch((/** @type {unknown} */ err) => {
  document.body.dataset.ready = 'error';
  $('live').textContent = `Could not load the inbox: ${messageOf(err)}`;
});
