// Sender and recipient addresses as Twilio reads them: E.164 numbers, channel addresses such as
// `whatsapp:+1…`, alphanumeric sender IDs and short codes. National-format recipients are made
// E.164 with the +1 plan, the only one the sandbox's own numbers use.

const E164 = /^\+[1-9]\d{1,14}$/;
const CHANNEL = /^(whatsapp|messenger|rcs):(.+)$/;
/** 1–11 letters, digits or spaces, at least one letter. */
const ALPHANUMERIC = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;
const SHORT_CODE = /^\d{5,6}$/;

export type SenderKind = 'e164' | 'channel' | 'alphanumeric' | 'short-code';

export function isE164(value: string): boolean {
  return E164.test(value);
}

/** What kind of sender `from` is; undefined when it is none of them. */
export function senderKind(from: string): SenderKind | undefined {
  const channel = CHANNEL.exec(from);
  if (channel) return channel[1] === 'whatsapp' && !E164.test(channel[2]!) ? undefined : 'channel';
  if (E164.test(from)) return 'e164';
  if (SHORT_CODE.test(from)) return 'short-code';
  if (ALPHANUMERIC.test(from)) return 'alphanumeric';
  return undefined;
}

/**
 * Whether an E.164 string is long enough to be a number someone has: the shortest national plans
 * have 7 digits with their country code, and +1 (the North American plan) always has 11.
 */
function mayExist(e164: string): boolean {
  const digits = e164.length - 1;
  return e164.startsWith('+1') ? digits === 11 : digits >= 7;
}

/** The recipient in E.164 (or its channel form); undefined when it cannot be a phone number. */
export function normalizeRecipient(to: string): string | undefined {
  const channel = CHANNEL.exec(to);
  if (channel) {
    if (channel[1] !== 'whatsapp') return to;
    const inner = normalizeRecipient(channel[2]!);
    return inner === undefined ? undefined : `whatsapp:${inner}`;
  }
  const compact = to.replace(/[\s().-]/g, '');
  if (E164.test(compact)) return mayExist(compact) ? compact : undefined;
  if (/^\d{10}$/.test(compact) && /^[2-9]/.test(compact)) return `+1${compact}`;
  if (/^1\d{10}$/.test(compact)) return `+${compact}`;
  return undefined;
}

/** http(s) URL with a host Twilio would call: no underscores, at most `max` characters. */
export function isCallableUrl(value: string, max = 4000): boolean {
  if (value.length > max) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && !url.hostname.includes('_');
}

const MEDIA_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
};

/** Content type of a media URL, guessed from the extension of its path. */
export function mediaContentType(url: string): string {
  const path = new URL(url).pathname;
  const ext = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
  return (ext && MEDIA_TYPES[ext]) ?? 'application/octet-stream';
}
