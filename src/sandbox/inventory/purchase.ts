// Which number a purchase (POST …/IncomingPhoneNumbers) gets: an exact PhoneNumber from the
// inventory, or the first available number in an AreaCode. Twilio's test magic numbers keep
// their documented answers: +15005550000 unavailable, +15005550001 invalid, +15005550006 and
// AreaCode 500 available, AreaCode 533 empty.
import { TwilioRestError } from '../twilio-wire/errors.js';
import type { Capabilities } from '../store/numbers.js';
import { countryByCode, type AddressRequirement, type NumberType } from './catalog.js';
import { findInInventory, searchInventory } from './search.js';

export interface Purchase {
  phoneNumber: string;
  type: NumberType;
  isoCountry: string;
  capabilities: Capabilities;
  addressRequirements: AddressRequirement;
  beta: boolean;
}

const MAGIC_AVAILABLE = '+15005550006';

const invalidNumber = (): TwilioRestError => new TwilioRestError(400, 21421, 'Phone Number is invalid');
const unavailable = (why?: string): TwilioRestError =>
  new TwilioRestError(
    400,
    21422,
    why === undefined ? 'PhoneNumber is unavailable' : `PhoneNumber is unavailable: ${why}`,
  );
const noneInArea = (): TwilioRestError => new TwilioRestError(400, 21452, 'No phone numbers found in area code');

const magicPurchase = (): Purchase => ({
  phoneNumber: MAGIC_AVAILABLE,
  type: 'local',
  isoCountry: 'US',
  capabilities: { voice: true, sms: true, mms: true, fax: false },
  addressRequirements: 'none',
  beta: false,
});

/** Accepts what people type: punctuation is dropped and a bare 10-digit number is taken as NANP. */
function normalize(text: string): string {
  const trimmed = text.trim();
  if (!/^\+?[\d\s().-]+$/.test(trimmed)) return trimmed;
  const digits = trimmed.replace(/\D/g, '');
  if (trimmed.startsWith('+')) return `+${digits}`;
  return digits.length === 10 ? `+1${digits}` : `+${digits}`;
}

/** `isOwned` says whether any sandbox account already holds a number. */
export function choosePhoneNumber(
  text: string,
  type: NumberType | undefined,
  isOwned: (e164: string) => boolean,
): Purchase {
  const e164 = normalize(text);
  if (!/^\+[1-9]\d{6,14}$/.test(e164) || e164 === '+15005550001') throw invalidNumber();
  if (e164 === '+15005550000' || isOwned(e164)) throw unavailable();
  if (e164 === MAGIC_AVAILABLE) {
    if (type !== undefined && type !== 'local') throw unavailable(`${e164} is not a ${type} number`);
    return magicPurchase();
  }
  const found = findInInventory(e164);
  if (!found) throw unavailable();
  if (type !== undefined && found.block.type !== type) throw unavailable(`${e164} is not a ${type} number`);
  return {
    phoneNumber: found.phone_number,
    type: found.block.type,
    isoCountry: found.block.country,
    capabilities: found.capabilities,
    addressRequirements: found.block.address,
    beta: found.block.beta,
  };
}

/** A US/CA area code such as 415: the first local number available there. */
export function chooseInAreaCode(
  text: string,
  isOwned: (e164: string) => boolean,
  owned: (isoCountry: string) => ReadonlySet<string>,
): Purchase {
  const code = text.trim();
  if (!/^[2-9]\d{2}$/.test(code) || code.slice(1) === '11') {
    throw new TwilioRestError(400, 21451, 'Invalid area code');
  }
  if (code === '533') throw noneInArea();
  if (code === '500') {
    if (isOwned(MAGIC_AVAILABLE)) throw noneInArea();
    return magicPurchase();
  }
  for (const iso of ['US', 'CA']) {
    const country = countryByCode(iso)!;
    const [first] = searchInventory(country, 'local', { areaCode: code }, owned(iso), 1);
    if (first) {
      return {
        phoneNumber: first.phone_number,
        type: 'local',
        isoCountry: iso,
        capabilities: first.capabilities,
        addressRequirements: first.block.address,
        beta: first.block.beta,
      };
    }
  }
  throw noneInArea();
}
