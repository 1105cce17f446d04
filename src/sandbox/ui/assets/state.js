// The page's one shared state: where the reader is (number, conversation, message, search) and what
// is loaded for it. Every part reads and writes it here, so no part keeps a copy another would miss.

/** How many conversations, messages or results the page asks for at a time. */
export const PAGE = 50;

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
  /** sids the page has shown, so only new ones are announced */
  known: new Set(),
  pendingAnnounce: new Set(),
  /** the shown message changed: re-render its details on the next refresh */
  detailDirty: false,
};
