// @ts-check
// WhatsApp's delivery ticks on a sent bubble: one for sent, two for delivered, two blue for read,
// as the user's phone shows them. Other channels get none.

/** @type {Readonly<Record<string, readonly [string, string]>>} */
const TICKS = { sent: ['✓', 'sent'], delivered: ['✓✓', 'delivered'], read: ['✓✓', 'read'] };

/**
 * The ticks of an outbound WhatsApp message, or null.
 * @param {import('./api.js').Message} m
 */
export function ticks(m) {
  const known = TICKS[m.status];
  if (!m.from?.startsWith('whatsapp:') || known === undefined) return null;
  const [marks, label] = known;
  const span = document.createElement('span');
  span.className = `ticks ${m.status === 'read' ? 'read' : ''}`;
  span.textContent = ` ${marks}`;
  span.setAttribute('aria-label', `WhatsApp: ${label}`);
  span.title = `WhatsApp: ${label}`;
  return span;
}
