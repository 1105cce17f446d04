// What an inbound keyword does, inside the transaction that stores the inbound message: STOP
// blocks the phone from the number it texted (or from that number's whole Messaging Service),
// START lifts the block, HELP changes nothing; each gets Twilio's reply (or the service's own with
// Advanced Opt-Out) as an `outbound-reply` message, and the inbound webhook learns the keyword
// through `OptOutType` only when Advanced Opt-Out is on. The inbound message itself is stored and
// forwarded like any other. WhatsApp keywords take the same path with `whatsapp:` addresses, so
// their blocks and replies stay on WhatsApp and an SMS block never covers WhatsApp (nor the reverse).
import type { SandboxContext } from '../context.js';
import type { Db } from '../store/db.js';
import { insertMessage, type MessageRow } from '../store/messages.js';
import { isOptedOut, optIn, optOut, storedAdvancedOptOut } from '../store/opt-outs.js';
import { TwilioRestError } from '../twilio-wire/errors.js';
import {
  advancedFrom,
  matchKeyword,
  OPT_OUT_TYPE,
  replyText,
  tollFreeReply,
  type AdvancedOptOut,
  type KeywordKind,
} from './opt-out-keywords.js';
import { countSegments } from './segments.js';

export interface KeywordOutcome {
  kind: KeywordKind;
  keyword: string;
  /** the `OptOutType` webhook parameter; only with Advanced Opt-Out */
  optOutType: 'STOP' | 'START' | 'HELP' | undefined;
  /** the auto-reply stored, if one was sent */
  reply: MessageRow | undefined;
}

/** Twilio's refusal of a message to a phone that opted out of its sender. */
export const unsubscribed = (): TwilioRestError =>
  new TwilioRestError(400, 21610, 'Attempt to send to unsubscribed recipient');

/** The `fate` of a Messaging Service message to such a phone: accepted, then failed with 21610. */
export const UNSUBSCRIBED_FATE = 'failed:21610';

/** A Messaging Service's Advanced Opt-Out, with the defaults for what it never set. */
export function advancedOptOut(db: Db, serviceSid: string): AdvancedOptOut {
  return advancedFrom(storedAdvancedOptOut(db, serviceSid));
}

/** The sender a keyword was written to, as the keyword rules see it. */
export interface KeywordSender {
  /** the address the phone wrote to (`+1…`, or `whatsapp:+1…`): replies come from it */
  address: string;
  /** the Messaging Service that number is in: the block then covers the whole service */
  serviceSid: string | undefined;
  /** a toll-free SMS number, answered by the carriers' own layer */
  tollFree: boolean;
}

export function handleKeyword(
  ctx: SandboxContext,
  sender: KeywordSender,
  inbound: MessageRow,
  now: number,
): KeywordOutcome | undefined {
  const db = ctx.db;
  const { serviceSid } = sender;
  const advanced = serviceSid === undefined ? undefined : advancedOptOut(db, serviceSid);
  const match = matchKeyword(inbound.body, advanced);
  if (match === undefined) return undefined;
  const scope = serviceSid ?? sender.address;
  // the phone as it wrote (`whatsapp:+…` on WhatsApp): blocks are kept per channel address
  const phone = inbound.from_addr;
  const tollFree = sender.tollFree;
  const wasOut = isOptedOut(db, inbound.account_sid, scope, phone);
  let text: string | undefined;
  switch (match.kind) {
    case 'opt-out':
      optOut(db, {
        account_sid: inbound.account_sid,
        sender: scope,
        phone_number: phone,
        keyword: match.keyword,
        message_sid: inbound.sid,
        date_created: now,
      });
      text = tollFree ? tollFreeReply('opt-out', match.keyword) : replyText('opt-out', advanced);
      break;
    case 'opt-in':
      // the carriers' toll-free layer lifts its block on START and UNSTOP only
      if (tollFree) {
        text = tollFreeReply('opt-in', match.keyword);
        if (text !== undefined) optIn(db, inbound.account_sid, scope, phone);
      } else {
        optIn(db, inbound.account_sid, scope, phone);
        text = replyText('opt-in', advanced);
      }
      break;
    case 'help':
      // a phone that opted out gets no answer to HELP
      text = wasOut ? undefined : replyText('help', advanced);
      break;
  }
  const reply = text === undefined ? undefined : storeReply(ctx, inbound, sender.address, serviceSid, text, now);
  return {
    kind: match.kind,
    keyword: match.keyword,
    optOutType: advanced?.enabled === true ? OPT_OUT_TYPE[match.kind] : undefined,
    reply,
  };
}

/**
 * The reply as the phone received it: sent by Twilio from the texted number, free of charge, so it
 * is stored already delivered and without a price.
 */
function storeReply(
  ctx: SandboxContext,
  inbound: MessageRow,
  from: string,
  serviceSid: string | undefined,
  text: string,
  now: number,
): MessageRow {
  const segments = countSegments(text);
  return insertMessage(ctx.db, {
    account_sid: inbound.account_sid,
    to_addr: inbound.from_addr,
    from_addr: from,
    body: text,
    status: 'delivered',
    direction: 'outbound-reply',
    num_segments: segments.segments,
    encoding: segments.encoding,
    price: null,
    price_unit: 'USD',
    error_code: null,
    error_message: null,
    messaging_service_sid: serviceSid ?? null,
    status_callback: null,
    application_sid: null,
    validity_period: null,
    send_at: null,
    date_created: now,
    date_sent: now,
    next_at: null,
    next_status: null,
    fate: 'delivered',
    extra: { opt_out_reply: inbound.sid },
  });
}
