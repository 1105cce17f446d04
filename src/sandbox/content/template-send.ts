// Whether an outbound message is a Content template send that WhatsApp approved, of a type that
// may open a conversation. The WhatsApp 24-hour window check calls this for a message leaving
// outside the window: only such a send goes through there, anything else ends with 63016. Pure
// (it reads the message's own record), so the window check needs no access to the templates:
// what the send was is written into the message's `extra.content` when it is created.

/** What a template send records in its message's `extra` (under `content`). */
export interface TemplateSend {
  /** the template (HX…) */
  sid: string;
  /** the content type the channel got (e.g. twilio/text, twilio/quick-reply) */
  type: string;
  /** approved for WhatsApp when sent, and of a type WhatsApp lets a business start a conversation with */
  whatsapp_approved: boolean;
  /** the buttons or list entries shown with the text, variables filled in */
  buttons: Record<string, string>[];
  /** a card's lines kept apart (title, subtitle / header_text, body, footer), so it can be shown as sent */
  card?: Record<string, string>;
}

/** Content types WhatsApp never allows outside the window, approved or not. */
export const SESSION_ONLY_TYPES: ReadonlySet<string> = new Set(['twilio/list-picker', 'twilio/location']);

/** The template send a message's `extra` (its JSON text, or already parsed) records, if any. */
export function templateSendOf(extra: string | Readonly<Record<string, unknown>>): TemplateSend | undefined {
  let parsed: unknown = extra;
  if (typeof extra === 'string') {
    if (!extra.includes('"content"')) return undefined;
    try {
      parsed = JSON.parse(extra);
    } catch {
      return undefined;
    }
  }
  const content = (parsed as Record<string, unknown> | null)?.['content'];
  if (typeof content !== 'object' || content === null) return undefined;
  const c = content as Record<string, unknown>;
  if (typeof c['sid'] !== 'string' || typeof c['type'] !== 'string') return undefined;
  const send: TemplateSend = {
    sid: c['sid'],
    type: c['type'],
    whatsapp_approved: c['whatsapp_approved'] === true,
    buttons: Array.isArray(c['buttons']) ? (c['buttons'] as Record<string, string>[]) : [],
  };
  if (typeof c['card'] === 'object' && c['card'] !== null) send.card = c['card'] as Record<string, string>;
  return send;
}

/** Is this message a template send approved for WhatsApp, so it may leave outside the 24-hour window? */
export function isApprovedWhatsAppTemplate(message: { readonly extra: string }): boolean {
  return templateSendOf(message.extra)?.whatsapp_approved === true;
}
