// Checks a Message create request in Twilio's order (presence, sizes, URLs, scheduling, sender,
// recipient, routing, queue) and turns it into what the store needs. The first failing rule wins,
// with Twilio's code, status and wording.
import { renderTemplate, templateRequest } from '../content/send.js';
import type { TemplateSend } from '../content/template-send.js';
import { isSid } from '../sids.js';
import type { Db } from '../store/db.js';
import type { NewMedia } from '../store/media.js';
import { senderNumber } from '../store/numbers.js';
import { getService, pickSender, serviceExtra, type ServiceRow } from '../store/services.js';
import { TwilioRestError, invalidParam } from '../twilio-wire/errors.js';
import { isCallableUrl, mediaContentType, normalizeRecipient, senderKind } from './addresses.js';
import {
  isMagicFrom,
  magicFromError,
  magicQueueError,
  magicToError,
  invalidFrom,
  invalidTo,
  notOwnedFrom,
} from './magic.js';
import { scheduledSendAt } from './schedule.js';
import { checkChannelPair, checkWhatsappSender, isWhatsapp } from './whatsapp.js';
import { countSegments, smartEncode, type Encoding } from './segments.js';

export const MAX_BODY = 1600;
export const MAX_MEDIA = 10;
export const MAX_VALIDITY = 36000;

export interface CreatePlan {
  to: string;
  from: string;
  /** the sender was left to the Messaging Service */
  senderPending: boolean;
  service: ServiceRow | undefined;
  body: string;
  media: NewMedia[];
  encoding: Encoding;
  segments: number;
  statusCallback: string | null;
  applicationSid: string | null;
  validityPeriod: number | null;
  /** ms; set for scheduled messages */
  sendAt: number | undefined;
  /** a Content template send: what goes into the message's `extra.content` */
  content: TemplateSend | undefined;
}

/** A form value, with empty strings treated as absent (as Twilio does for required fields). */
function value(form: URLSearchParams, key: string): string | undefined {
  const v = form.get(key);
  return v === null || v === '' ? undefined : v;
}

function isTrue(form: URLSearchParams, key: string): boolean {
  return (form.get(key) ?? '').toLowerCase() === 'true';
}

function lookupService(db: Db, accountSid: string, sid: string): ServiceRow {
  if (!isSid(sid, 'MG')) throw new TwilioRestError(400, 21705, 'The Messaging Service is invalid');
  const service = getService(db, accountSid, sid);
  if (!service) throw new TwilioRestError(400, 21701, `The Messaging Service ${sid} does not exist`);
  return service;
}

function parseValidity(form: URLSearchParams): number | null {
  const text = value(form, 'ValidityPeriod');
  if (text === undefined) return null;
  const n = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= 1 && n <= MAX_VALIDITY)) {
    throw invalidParam(`ValidityPeriod must be a whole number of seconds between 1 and ${MAX_VALIDITY}`);
  }
  return n;
}

/** Checks `from` is a sender this account may use (REST sends and TwiML replies alike). */
export function checkSender(db: Db, accountSid: string, from: string): void {
  const magic = magicFromError(from);
  if (magic) throw magic;
  const kind = senderKind(from);
  if (kind === undefined) throw invalidFrom(from);
  if (kind === 'channel' && isWhatsapp(from)) return checkWhatsappSender(db, accountSid, from);
  if (kind === 'channel' || kind === 'alphanumeric') return;
  if (kind === 'e164' && isMagicFrom(from)) {
    if (from === '+15005550006' || from === '+15005550008') return;
    throw notOwnedFrom(from);
  }
  const owned = senderNumber(db, from);
  if (!owned || owned.account_sid !== accountSid || !owned.sms) throw notOwnedFrom(from);
}

export function validateCreate(db: Db, accountSid: string, form: URLSearchParams, now: number): CreatePlan {
  const rawTo = value(form, 'To');
  if (rawTo === undefined) throw new TwilioRestError(400, 21604, "A 'To' phone number is required.");
  const rawFrom = value(form, 'From');
  const serviceSid = value(form, 'MessagingServiceSid');
  if (rawFrom === undefined && serviceSid === undefined) {
    throw new TwilioRestError(400, 21603, "A 'From' phone number is required.");
  }
  const service = serviceSid === undefined ? undefined : lookupService(db, accountSid, serviceSid);

  const rawBody = form.get('Body') ?? '';
  const mediaUrls = form.getAll('MediaUrl').filter((u) => u !== '');
  const contentSid = value(form, 'ContentSid');
  if (rawBody === '' && mediaUrls.length === 0 && contentSid === undefined) {
    throw service
      ? new TwilioRestError(400, 21619, 'A Message Body, Media URL or Content SID is required')
      : new TwilioRestError(400, 21602, 'Message body is required.');
  }
  if (rawBody.length > MAX_BODY) {
    throw new TwilioRestError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
  }
  if (mediaUrls.length > MAX_MEDIA) {
    throw new TwilioRestError(400, 21623, 'Number of media files exceeds allowed limit');
  }
  if (!mediaUrls.every((u) => isCallableUrl(u))) throw new TwilioRestError(400, 21620, 'Invalid media URL(s)');
  const statusCallback = value(form, 'StatusCallback');
  if (statusCallback !== undefined && !isCallableUrl(statusCallback)) {
    throw new TwilioRestError(400, 21609, "Invalid 'StatusCallback'");
  }
  const template = templateRequest(db, accountSid, contentSid, value(form, 'ContentVariables'));
  const applicationSid = value(form, 'ApplicationSid');
  if (applicationSid !== undefined && !isSid(applicationSid, 'AP')) {
    throw invalidParam(`ApplicationSid ${applicationSid} is not a valid Application SID`);
  }
  const validityPeriod = parseValidity(form);
  const sendAt = scheduledSendAt(form, service !== undefined, now);

  const to = normalizeRecipient(rawTo);
  let from: string;
  if (rawFrom !== undefined) {
    checkChannelPair(rawFrom, rawTo);
    checkSender(db, accountSid, rawFrom);
    from = rawFrom;
  } else {
    const sender = pickSender(db, service!, to ?? rawTo);
    if (!sender) throw new TwilioRestError(400, 21704, 'The Messaging Service contains no phone numbers');
    // a Messaging Service sends to a WhatsApp user from the WhatsApp sender of its number
    from = isWhatsapp(rawTo) ? `whatsapp:${sender.phone_number}` : sender.phone_number;
    if (isWhatsapp(rawTo)) checkWhatsappSender(db, accountSid, from);
  }
  if (to === undefined) throw invalidTo(rawTo);
  if (rawFrom !== undefined && to === from && senderKind(from) === 'e164') {
    throw new TwilioRestError(400, 21266, "'To' and 'From' number cannot be the same");
  }
  const routing = magicToError(to, from, mediaUrls.length > 0 ? 'MMS' : 'SMS');
  if (routing) throw routing;
  const queue = magicQueueError(from);
  if (queue) throw queue;

  // a template supersedes Body and MediaUrl
  const content = template && renderTemplate(template, to, now);
  const media = content ? content.rendered.media : mediaUrls;
  const smart = isTrue(form, 'SmartEncoded') || (service !== undefined && serviceExtra(service).smart_encoding);
  const text = content ? content.rendered.body : rawBody;
  const body = smart ? smartEncode(text) : text;
  const info = countSegments(body);
  return {
    to,
    from,
    senderPending: rawFrom === undefined,
    service,
    body,
    media: media.map((url) => ({ url, contentType: mediaContentType(url) })),
    encoding: info.encoding,
    segments: media.length > 0 ? 1 : info.segments,
    statusCallback: statusCallback ?? (service?.status_callback ? service.status_callback : null),
    applicationSid: applicationSid ?? null,
    // Without its own ValidityPeriod a message inherits its service's.
    validityPeriod: validityPeriod ?? (service ? serviceExtra(service).validity_period : null),
    sendAt,
    content: content?.send,
  };
}
