// @ts-check
// The inbox's only ways to reach the sandbox: the /_sandbox control API and its event stream. The
// typedefs below are the shapes of its answers as the page uses them (docs/sandbox-inbox.md).

/**
 * @typedef {object} Media
 * @property {string} sid
 * @property {string} content_type
 * @property {string} url
 *
 * @typedef {object} Message Twilio's Message JSON plus the sandbox's `seq`, `encoding` and `media`
 * @property {string} sid
 * @property {string} from
 * @property {string} to
 * @property {string} body
 * @property {string} status
 * @property {string} direction
 * @property {string} date_created
 * @property {number | null} error_code
 * @property {string | null} error_message
 * @property {string} num_segments
 * @property {string | null} price
 * @property {string} price_unit
 * @property {string} encoding
 * @property {number} seq
 * @property {Media[]} media
 * @property {TemplateSend | null} [content] what a Content template send showed besides its text, as sent
 *
 * @typedef {object} TemplateSend
 * @property {string} sid the template (HX…)
 * @property {string} type the content type the channel got (twilio/quick-reply, twilio/card…)
 * @property {Record<string, string>[]} buttons actions, or a list picker's LIST_BUTTON and LIST_ITEMs, variables filled
 * @property {boolean} whatsapp_approved approved for WhatsApp when sent, of a type that may start a conversation
 * @property {Record<string, string>} [card] a card's lines: title and subtitle, or header_text, body and footer
 *
 * @typedef {object} PhoneNumber
 * @property {string} sid
 * @property {string} phone_number
 * @property {string} friendly_name
 * @property {string | null} sms_url
 *
 * @typedef {object} Account
 * @property {string} sid
 * @property {string} auth_token
 * @property {string} friendly_name
 * @property {string} base_url
 * @property {PhoneNumber[]} numbers
 *
 * @typedef {object} Conversation
 * @property {string} counterpart
 * @property {number} count
 * @property {Message} last
 *
 * @typedef {{ messages: Message[], next_before: number | null }} MessagePage
 * @typedef {{ conversations: Conversation[], next_before: number | null }} ConversationPage
 *
 * @typedef {object} TimelineEvent
 * @property {string} status
 * @property {number | null} error_code
 * @property {number} at_ms
 *
 * @typedef {object} Webhook
 * @property {number} id
 * @property {string} kind
 * @property {string} url
 * @property {string} method
 * @property {unknown} params the signed parameters: an object, a list of pairs or raw text
 * @property {string} signature
 * @property {string} state
 * @property {number} attempts
 * @property {number | null} response_status
 * @property {string | null} response_body
 * @property {number | null} duration_ms
 * @property {string | null} error
 * @property {string} created_at
 * @property {string | null} next_attempt_at
 *
 * @typedef {object} MessageDetail the answer of GET /_sandbox/messages/{sid}
 * @property {Message} message
 * @property {{ fate: string | null, next_status: string | null, next_at: string | null }} sandbox
 * @property {TimelineEvent[]} events
 * @property {Webhook[]} webhooks
 *
 * @typedef {{ type: string, probability?: number, status?: number, code?: number, ms?: number }} ChaosRule
 *
 * @typedef {object} Settings the realism and fault settings (GET and PUT /_sandbox/settings)
 * @property {number} speed_up
 * @property {{ enabled: boolean, long_code_mps: number, toll_free_mps: number, short_code_mps: number, other_mps: number, queue_seconds: number }} throughput
 * @property {{ enabled: boolean, max_requests: number }} concurrency
 * @property {{ enabled: boolean, rules: ChaosRule[] }} chaos
 * @property {{ max_messages: number, max_age_days: number }} retention
 *
 * @typedef {object} OptOut one block of GET /_sandbox/opt-outs
 * @property {string} account_sid
 * @property {string} sender a phone number, a WhatsApp sender (whatsapp:+…), or a Messaging Service SID
 * @property {'phone_number' | 'whatsapp_sender' | 'messaging_service'} sender_type
 * @property {string} phone_number
 * @property {string | null} keyword
 * @property {string | null} message_sid
 * @property {string} date_created
 *
 * @typedef {{ sender: string, phone_number: string }} Block
 *
 * @typedef {object} WhatsappWindow one user's 24-hour window with one sender
 * @property {string} sender
 * @property {string} user
 * @property {string} closes_at
 * @property {boolean} open
 * @property {number} seconds_left simulated seconds when the answer was made
 *
 * @typedef {object} WhatsappOverview the answer of GET /_sandbox/whatsapp
 * @property {number} speed_up
 * @property {{ address: string, join_message: string }} sandbox
 * @property {{ phone_number: string, address: string, enabled: boolean }[]} senders
 * @property {WhatsappWindow[]} windows
 *
 * @typedef {object} Approval where a template's WhatsApp review stands
 * @property {string} name
 * @property {string} category
 * @property {string} status unsubmitted, received, pending, approved, rejected, paused or disabled
 * @property {string} rejection_reason
 * @property {number | null} next_change_in_ms real ms until the review moves on by itself
 *
 * @typedef {object} Template one Content template as GET /_sandbox/templates lists it
 * @property {string} sid
 * @property {string} friendly_name
 * @property {string} language
 * @property {string} date_created
 * @property {Record<string, unknown>} variables
 * @property {Record<string, unknown>} types
 * @property {string | null} whatsapp_type the type WhatsApp would get
 * @property {Approval} approval
 *
 * @typedef {object} TemplatesView the answer of GET /_sandbox/templates
 * @property {Template[]} templates newest first
 * @property {number | null} next_before
 * @property {string[]} statuses what a review can be set to by hand
 * @property {{ approval_delay_ms: number, auto_reject: boolean }} review
 *
 * @typedef {{ sid?: string, messageSid?: string, [field: string]: unknown }} PushEvent the data of one event-stream event
 * @typedef {'live' | 'reconnecting' | 'closed'} LiveState
 */

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {{ message?: string } | null} body
   */
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

/**
 * What a failed call or any other thrown value says, for the page to show.
 * @param {unknown} err
 */
export function messageOf(err) {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The HTTP status of a failed call, or undefined when the error is not an answer from the sandbox.
 * @param {unknown} err
 */
export function statusOf(err) {
  return err instanceof ApiError ? err.status : undefined;
}

/**
 * @template T
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<T>}
 */
async function call(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  /** @type {RequestInit} */
  const init = { method, headers };
  // the sandbox takes changes only in requests no foreign page could send without asking first
  if (method !== 'GET') headers['x-sandbox-request'] = '1';
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  /** @type {unknown} */
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { message: text };
  }
  if (!res.ok) throw new ApiError(res.status, /** @type {{ message?: string } | null} */ (data));
  return /** @type {T} */ (data);
}

/** @param {Record<string, string | number | null | undefined>} params */
const qs = (params) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
};

/** @typedef {{ q?: string, number?: string, with?: string, before?: number | null | undefined, limit?: number }} ListParams */

export const api = {
  /** @returns {Promise<Account>} */
  account: () => call('GET', '/_sandbox/account'),
  /** @returns {Promise<import('./event-streams.js').StreamsView>} */
  eventStreams: () => call('GET', '/_sandbox/event-streams'),
  /** @param {ListParams} params @returns {Promise<MessagePage>} */
  messages: (params) => call('GET', `/_sandbox/messages${qs(params)}`),
  /** @param {ListParams} params @returns {Promise<ConversationPage>} */
  conversations: (params) => call('GET', `/_sandbox/conversations${qs(params)}`),
  /** @param {string} sid @returns {Promise<MessageDetail>} */
  message: (sid) => call('GET', `/_sandbox/messages/${encodeURIComponent(sid)}`),
  /** @param {string} sid @returns {Promise<null>} */
  deleteMessage: (sid) => call('DELETE', `/_sandbox/messages/${encodeURIComponent(sid)}`),
  /** @returns {Promise<{ deleted: number }>} */
  clear: () => call('POST', '/_sandbox/messages/clear'),
  /** @returns {Promise<Settings | null>} */
  settings: () => call('GET', '/_sandbox/settings'),
  /** @param {Settings} doc @returns {Promise<Settings>} */
  saveSettings: (doc) => call('PUT', '/_sandbox/settings', doc),
  /** @returns {Promise<Settings>} */
  resetSettings: () => call('POST', '/_sandbox/settings/reset'),
  /** @param {Record<string, string | string[]>} form @returns {Promise<Message>} */
  inbound: (form) => call('POST', '/_sandbox/inbound', form),
  /** @returns {Promise<{ opt_outs: OptOut[] }>} */
  optOuts: () => call('GET', '/_sandbox/opt-outs'),
  /** @param {Block} block @returns {Promise<OptOut>} */
  optOut: (block) => call('POST', '/_sandbox/opt-outs', block),
  /** @param {Block} block @returns {Promise<Block & { lifted: boolean }>} */
  optIn: (block) => call('POST', '/_sandbox/opt-ins', block),
  /** @returns {Promise<WhatsappOverview>} */
  whatsapp: () => call('GET', '/_sandbox/whatsapp'),
  /** @param {string} sid the user read this delivered WhatsApp message @returns {Promise<Message>} */
  read: (sid) => call('POST', `/_sandbox/messages/${encodeURIComponent(sid)}/read`),
  /** @param {{ before?: number | null | undefined, limit?: number }} params @returns {Promise<TemplatesView>} */
  templates: (params) => call('GET', `/_sandbox/templates${qs(params)}`),
  /**
   * Decides a template's WhatsApp review by hand, as Meta would.
   * @param {string} sid
   * @param {{ status: string, rejection_reason?: string }} decision
   * @returns {Promise<{ sid: string, status: string, rejection_reason: string }>}
   */
  setApproval: (sid, decision) => call('POST', `/_sandbox/content/${encodeURIComponent(sid)}/approval`, decision),
};

/**
/** The push events the page has always listened to; parts add theirs (parts.js, eventTypes). */
export const EVENT_TYPES = ['hello', 'message', 'message.deleted', 'webhook', 'number', 'settings', 'reset'];

/**
 * Subscribes to the push channel; EventSource reconnects by itself after a restart.
 * @param {(type: string, data: PushEvent) => void} onEvent
 * @param {(state: LiveState) => void} onState
 * @param {Iterable<string>} [types] the event types to listen to
 */
export function listen(onEvent, onState, types = EVENT_TYPES) {
  const source = new EventSource('/_sandbox/events');
  source.onopen = () => onState('live');
  source.onerror = () => onState(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
  for (const type of types) {
    source.addEventListener(type, (e) => {
      /** @type {PushEvent} */
      let data = {};
      try {
        /** @type {unknown} */
        const parsed = JSON.parse(String(/** @type {unknown} */ (e.data)));
        data = /** @type {PushEvent} */ (parsed);
      } catch {
        // a malformed frame is ignored; the next refresh catches up
      }
      onEvent(type, data);
    });
  }
  return source;
}
