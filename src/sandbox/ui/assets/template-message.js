// @ts-check
// A Content template send in the thread as its channel showed it: a card's title, header and footer
// set apart from its text, and below the bubble the quick replies, call-to-action buttons or list
// picker the template carried, as they were when it was sent (the message keeps them; the template
// may have changed or gone since). Everything comes from the template's author, so it is treated as
// untrusted like a message body: text only, each piece in its own bidi isolate, and web addresses
// become links only when they are http(s), opening in a new tab that cannot reach back to the inbox.
// On WhatsApp the user's side is live: a quick reply or a list choice writes back as the user, with
// the ButtonText/ButtonPayload or ListId/ListTitle WhatsApp adds.
import { api, messageOf } from './api.js';
import { copyButton, h, isolated } from './dom.js';

/**
 * @typedef {import('./api.js').Message} Message
 * @typedef {Record<string, string>} Action
 */

/** List pickers the reader opened: the thread is redrawn on every change and must not close them. */
const openLists = new Set();

/** @param {Message} m */
const isWhatsapp = (m) => m.from.startsWith('whatsapp:');

/** @param {Action} a */
const text = (a, /** @type {string} */ key) => (typeof a[key] === 'string' ? a[key] : '');

/**
 * The bubble's text for a template send: a card's lines apart, otherwise null (the body is shown as is).
 * @param {Message} m
 */
export function templateText(m) {
  const card = m.content?.card;
  if (!card) return null;
  const line = (/** @type {string} */ key, /** @type {string} */ cls) =>
    card[key] ? isolated(card[key], { class: cls }) : null;
  if (m.content?.type === 'twilio/card') {
    return [line('title', 'card-title'), line('subtitle', 'card-subtitle')];
  }
  return [line('header_text', 'card-title'), line('body', 'text'), line('footer', 'card-footer')];
}

/**
 * Says a message was a template (which one, which type) where the time and status are.
 * @param {Message} m
 */
export function templateTag(m) {
  if (!m.content) return null;
  return h('span', { class: 'template-tag', title: `Content template ${m.content.sid}` }, ` · ${m.content.type}`);
}

/**
 * Can the user still act on it: they have it (delivered or read) and it came over WhatsApp.
 * @param {Message} m
 */
const canReply = (m) => isWhatsapp(m) && (m.status === 'delivered' || m.status === 'read');

/**
 * The user taps a button or picks from a list: an inbound WhatsApp message back to the sender.
 * @param {Message} m
 * @param {Record<string, string>} fields
 * @param {HTMLElement} status
 */
async function replyAsUser(m, fields, status) {
  status.textContent = 'Sending…';
  try {
    await api.inbound({
      From: m.to,
      To: m.from,
      OriginalRepliedMessageSid: m.sid,
      OriginalRepliedMessageSender: m.from,
      ...fields,
    });
    status.textContent = '';
  } catch (err) {
    status.textContent = messageOf(err);
  }
}

/**
 * A web address the template points to: a link only for http(s), always with the address in view.
 * @param {Action} a
 */
function urlButton(a) {
  const url = text(a, 'url');
  let web = false;
  try {
    const parsed = new URL(url);
    web = parsed.protocol === 'https:' || parsed.protocol === 'http:';
  } catch {
    web = false;
  }
  const label = [h('span', { 'aria-hidden': 'true' }, '↗ '), isolated(text(a, 'title'))];
  return h(
    'span',
    { class: 'template-action url' },
    web
      ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', referrerpolicy: 'no-referrer' }, label)
      : h('span', { class: 'inert' }, label),
    h('span', { class: 'template-address' }, web ? null : 'not a web address: ', isolated(url)),
  );
}

/**
 * One action of a quick-reply, call-to-action, card or authentication template.
 * @param {Message} m
 * @param {Action} a
 * @param {HTMLElement} status
 */
function actionItem(m, a, status) {
  const type = text(a, 'type').toUpperCase();
  const title = text(a, 'title');
  switch (type) {
    case 'URL':
      return urlButton(a);
    case 'PHONE_NUMBER':
    case 'PHONE':
      return h(
        'span',
        { class: 'template-action phone' },
        h('span', { 'aria-hidden': 'true' }, '☎ '),
        isolated(title),
        h('span', { class: 'template-address' }, isolated(text(a, 'phone'))),
      );
    case 'COPY_CODE': {
      // an authentication template's button copies the code its text opens with
      const code = text(a, 'code') || (/^(\S+) is your verification code\.$/.exec(m.body)?.[1] ?? '');
      const label = title || text(a, 'copy_code_text') || 'Copy code';
      const button = copyButton(code, `code ${code}`);
      button.classList.add('template-action');
      button.textContent = label;
      return button;
    }
    case '':
    case 'QUICK_REPLY': {
      const payload = text(a, 'id') || title;
      return h(
        'button',
        {
          type: 'button',
          class: 'template-action reply',
          disabled: canReply(m) ? null : true,
          title: canReply(m)
            ? 'Tap it as the WhatsApp user: a reply with ButtonText and ButtonPayload'
            : 'The user can tap it once the message is delivered over WhatsApp',
          dataset: { payload },
          onclick: () => replyAsUser(m, { Body: title, ButtonText: title, ButtonPayload: payload }, status),
        },
        h('span', { 'aria-hidden': 'true' }, '↩ '),
        isolated(title),
      );
    }
    default:
      return h('span', { class: 'template-action inert', title: type }, isolated(title || type));
  }
}

/**
 * A list picker: its button opens the list, and each entry is the user's choice.
 * @param {Message} m
 * @param {Action[]} buttons
 * @param {HTMLElement} status
 */
function listPicker(m, buttons, status) {
  const opener = buttons.find((b) => b['type'] === 'LIST_BUTTON');
  const items = buttons.filter((b) => b['type'] === 'LIST_ITEM');
  const listId = `list-${m.sid}`;
  const list = h(
    'ul',
    { id: listId, class: 'template-list', hidden: openLists.has(m.sid) ? null : true },
    items.map((item) =>
      h(
        'li',
        {},
        h(
          'button',
          {
            type: 'button',
            class: 'template-action list-item',
            disabled: canReply(m) ? null : true,
            dataset: { id: text(item, 'id') },
            onclick: () =>
              replyAsUser(
                m,
                { Body: text(item, 'item'), ListId: text(item, 'id'), ListTitle: text(item, 'item') },
                status,
              ),
          },
          isolated(text(item, 'item'), { class: 'list-item-title' }),
          text(item, 'description') ? isolated(text(item, 'description'), { class: 'list-item-description' }) : null,
        ),
      ),
    ),
  );
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'template-action list-open',
      'aria-expanded': openLists.has(m.sid) ? 'true' : 'false',
      'aria-controls': listId,
      onclick: () => {
        const open = list.hidden;
        list.hidden = !open;
        toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
        if (open) openLists.add(m.sid);
        else openLists.delete(m.sid);
      },
    },
    h('span', { 'aria-hidden': 'true' }, '☰ '),
    isolated(opener ? text(opener, 'title') : 'Choose'),
  );
  return [toggle, list];
}

/**
 * What a template showed below its text, or null: SMS and plain templates have none.
 * @param {Message} m
 */
export function templateActions(m) {
  const buttons = m.content?.buttons ?? [];
  if (!m.content || buttons.length === 0) return null;
  const status = h('span', { class: 'template-status', role: 'status' });
  const isList = buttons.some((b) => b['type'] === 'LIST_BUTTON' || b['type'] === 'LIST_ITEM');
  return h(
    'div',
    {
      class: 'template-actions',
      role: 'group',
      'aria-label': `Buttons of template ${m.content.sid}`,
      dataset: { type: m.content.type },
    },
    isList ? listPicker(m, buttons, status) : buttons.map((a) => actionItem(m, a, status)),
    status,
  );
}
