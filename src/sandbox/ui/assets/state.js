// @ts-check
// The page's one shared state: where the reader is (number, conversation, message, search) and what
// is loaded for it. Every part reads and writes it here, so no part keeps a copy another would miss.

/** How many conversations, messages or results the page asks for at a time. */
export const PAGE = 50;

/**
 * @typedef {import('./api.js').Message} Message
 *
 * @typedef {object} State
 * @property {import('./api.js').Account | null} account null until the first load
 * @property {string | null} number the chosen number of the account
 * @property {string | null} peer the counterpart of the open conversation
 * @property {import('./api.js').Conversation[]} conversations
 * @property {number | null} conversationsNext the next page's `before`, null on the last page
 * @property {Map<string, Message>} thread the open conversation's loaded messages by sid
 * @property {number | null} threadNext
 * @property {string} query the search, '' when not searching
 * @property {Message[]} results
 * @property {number | null} resultsNext
 * @property {string | null} detailSid the message in the details pane
 * @property {Set<string>} known sids the page has shown, so only new ones are announced
 * @property {Set<string>} pendingAnnounce sids pushed by the event stream, not yet shown
 * @property {boolean} detailDirty the shown message changed: re-render its details on the next refresh
 */

/** @type {State} */
export const state = {
  account: null,
  number: null,
  peer: null,
  conversations: [],
  conversationsNext: null,
  thread: new Map(),
  threadNext: null,
  query: '',
  results: [],
  resultsNext: null,
  detailSid: null,
  known: new Set(),
  pendingAnnounce: new Set(),
  detailDirty: false,
};
