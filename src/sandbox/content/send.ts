// A Messages create with ContentSid (+ ContentVariables): the template is looked up and the
// variables read with the other request checks, then rendered for the recipient's channel once
// it is known. The message stores the rendered text as its body, the template's media as its
// media, and what the send was (template, type, WhatsApp approval, buttons, a card's lines) in `extra.content`.
import type { Db } from '../store/db.js';
import { approvalAt, getContent, type ContentRow } from '../store/contents.js';
import { isSid } from '../sids.js';
import { TwilioRestError } from '../twilio-wire/errors.js';
import { channelOf, parseContentVariables, render, type RenderedContent } from './render.js';
import { SESSION_ONLY_TYPES, type TemplateSend } from './template-send.js';

export interface TemplateRequest {
  row: ContentRow;
  values: Record<string, string>;
}

const invalidSid = (): TwilioRestError => new TwilioRestError(400, 21655, 'The ContentSid is Invalid');

/** Reads ContentSid and ContentVariables; undefined when the send is not a template. */
export function templateRequest(
  db: Db,
  accountSid: string,
  contentSid: string | undefined,
  rawVariables: string | undefined,
): TemplateRequest | undefined {
  if (contentSid === undefined) {
    if (rawVariables !== undefined) throw new TwilioRestError(400, 21654, 'ContentSid Required');
    return undefined;
  }
  if (!isSid(contentSid, 'HX')) throw invalidSid();
  const values = parseContentVariables(rawVariables);
  const row = getContent(db, accountSid, contentSid);
  if (!row) throw invalidSid();
  return { row, values };
}

interface ParsedTemplate {
  types: Record<string, Record<string, unknown>>;
  variables: Record<string, string>;
}

/**
 * Parsed types and variables by SID and version: a template is sent far more often than it
 * changes, and parsing its JSON on every send would cost each create more than rendering it.
 */
const parsedTemplates = new Map<string, ParsedTemplate>();
const MAX_PARSED = 256;

function parsedTemplate(row: ContentRow): ParsedTemplate {
  const key = `${row.sid}@${row.date_updated}`;
  let hit = parsedTemplates.get(key);
  if (hit === undefined) {
    hit = {
      types: JSON.parse(row.types) as Record<string, Record<string, unknown>>,
      variables: JSON.parse(row.variables) as Record<string, string>,
    };
    if (parsedTemplates.size >= MAX_PARSED) parsedTemplates.clear();
    parsedTemplates.set(key, hit);
  }
  return hit;
}

/** Renders the template for `to`'s channel and records what was sent. */
export function renderTemplate(
  t: TemplateRequest,
  to: string,
  now: number,
): { rendered: RenderedContent; send: TemplateSend } {
  const { types, variables } = parsedTemplate(t.row);
  const rendered = render(types, variables, t.values, channelOf(to));
  const approved = approvalAt(t.row, now).status === 'approved';
  return {
    rendered,
    send: {
      sid: t.row.sid,
      type: rendered.type,
      whatsapp_approved: approved && !SESSION_ONLY_TYPES.has(rendered.type),
      buttons: rendered.buttons,
      ...(rendered.card === undefined ? {} : { card: rendered.card }),
    },
  };
}
