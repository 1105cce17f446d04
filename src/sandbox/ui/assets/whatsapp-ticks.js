// WhatsApp's delivery ticks on a sent bubble: one for sent, two for delivered, two blue for read,
// as the user's phone shows them. Other channels get none.

const TICKS = { sent: ['✓', 'sent'], delivered: ['✓✓', 'delivered'], read: ['✓✓', 'read'] };

/** The ticks of an outbound WhatsApp message, or null. */
export function ticks(m) {
  if (!m.from?.startsWith('whatsapp:') || !(m.status in TICKS)) return null;
  const [marks, label] = TICKS[m.status];
  const span = document.createElement('span');
  span.className = `ticks ${m.status === 'read' ? 'read' : ''}`;
  span.textContent = ` ${marks}`;
  span.setAttribute('aria-label', `WhatsApp: ${label}`);
  span.title = `WhatsApp: ${label}`;
  return span;
}
