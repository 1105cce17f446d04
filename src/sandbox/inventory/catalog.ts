// The sandbox's number inventory, described as a few hundred blocks of consecutive numbers (one
// exchange, one place, one type each) rather than as numbers: a block of 10,000 lines costs one
// object, and numbers are derived on demand (search.ts). About 2.7 million virtual numbers, 70% of them free.
import type { Capabilities } from '../store/numbers.js';
import { CA_AREAS, TOLL_FREE_PREFIXES, US_AREAS, type AreaRow } from './places.js';

export type NumberType = 'local' | 'mobile' | 'tollfree';
export type AddressRequirement = 'none' | 'any' | 'local' | 'foreign';

export interface Place {
  region: string | null;
  locality: string | null;
  rate_center: string | null;
  lata: string | null;
  postal_code: string | null;
  latitude: number | null;
  longitude: number | null;
}

export interface Block {
  country: string;
  type: NumberType;
  /** E.164 digits before the line number, without `+` */
  prefix: string;
  /** digits of the line number: the block holds 10^lineDigits numbers */
  lineDigits: number;
  /** NANP area code, or the national area prefix elsewhere */
  areaCode: string;
  place: Place;
  caps: Capabilities;
  address: AddressRequirement;
  beta: boolean;
  /** fixes the block's permutation and which of its numbers are taken */
  seed: number;
}

export interface Country {
  code: string;
  name: string;
  beta: boolean;
  types: readonly NumberType[];
  blocks: readonly Block[];
}

const NO_PLACE: Place = {
  region: null,
  locality: null,
  rate_center: null,
  lata: null,
  postal_code: null,
  latitude: null,
  longitude: null,
};

/** FNV-1a: a stable seed per block. */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A fresh exchange (NXX) for the n-th block of an area: 200-999, never N11 or 555, never reused. */
function exchange(areaCode: string, n: number, used: Set<string>): string {
  let x = 200 + (hashText(`${areaCode}:${n}`) % 800);
  for (;;) {
    const s = String(x);
    if (s !== '555' && s.slice(1) !== '11' && !used.has(s)) {
      used.add(s);
      return s;
    }
    x = x === 999 ? 200 : x + 1;
  }
}

const LOCAL_CAPS: Capabilities = { voice: true, sms: true, mms: true, fax: true };
const TOLL_FREE_CAPS: Capabilities = { voice: true, sms: true, mms: true, fax: true };

function nanpBlocks(country: string, areas: readonly AreaRow[], exchangesPerPlace: number): Block[] {
  const out: Block[] = [];
  for (const area of areas) {
    const used = new Set<string>();
    area.places.forEach(([locality, rateCenter, postal, lat, lng], i) => {
      for (let e = 0; e < exchangesPerPlace; e++) {
        const nxx = exchange(area.areaCode, i * exchangesPerPlace + e, used);
        const prefix = `1${area.areaCode}${nxx}`;
        out.push({
          country,
          type: 'local',
          prefix,
          lineDigits: 4,
          areaCode: area.areaCode,
          place: {
            region: area.region,
            locality,
            rate_center: rateCenter,
            lata: area.lata,
            postal_code: postal,
            latitude: lat,
            longitude: lng,
          },
          caps: LOCAL_CAPS,
          address: 'none',
          beta: area.beta ?? false,
          seed: hashText(prefix),
        });
      }
    });
  }
  return out;
}

function tollFreeBlocks(country: string, exchanges: readonly string[]): Block[] {
  const out: Block[] = [];
  for (const npa of TOLL_FREE_PREFIXES) {
    for (const nxx of exchanges) {
      const prefix = `1${npa}${nxx}`;
      out.push({
        country,
        type: 'tollfree',
        prefix,
        lineDigits: 4,
        areaCode: npa,
        place: NO_PLACE,
        caps: TOLL_FREE_CAPS,
        address: 'none',
        beta: false,
        seed: hashText(prefix),
      });
    }
  }
  return out;
}

interface SimpleBlock {
  type: NumberType;
  prefix: string;
  lineDigits: number;
  areaCode: string;
  region?: string;
  locality?: string;
  caps: Capabilities;
  address: AddressRequirement;
}

function simpleBlocks(country: string, rows: readonly SimpleBlock[]): Block[] {
  return rows.map((r) => ({
    country,
    type: r.type,
    prefix: r.prefix,
    lineDigits: r.lineDigits,
    areaCode: r.areaCode,
    place: { ...NO_PLACE, region: r.region ?? null, locality: r.locality ?? null },
    caps: r.caps,
    address: r.address,
    beta: false,
    seed: hashText(r.prefix),
  }));
}

const VOICE_SMS: Capabilities = { voice: true, sms: true, mms: false, fax: false };
const VOICE_ONLY: Capabilities = { voice: true, sms: false, mms: false, fax: false };
const VOICE_SMS_FAX: Capabilities = { voice: true, sms: true, mms: false, fax: true };

export const COUNTRIES: readonly Country[] = [
  {
    code: 'US',
    name: 'United States',
    beta: false,
    types: ['local', 'tollfree'],
    blocks: [...nanpBlocks('US', US_AREAS, 2), ...tollFreeBlocks('US', ['200', '300', '400'])],
  },
  {
    code: 'CA',
    name: 'Canada',
    beta: false,
    types: ['local', 'tollfree'],
    blocks: [...nanpBlocks('CA', CA_AREAS, 2), ...tollFreeBlocks('CA', ['600', '700'])],
  },
  {
    code: 'GB',
    name: 'United Kingdom',
    beta: false,
    types: ['local', 'mobile', 'tollfree'],
    blocks: simpleBlocks('GB', [
      {
        type: 'local',
        prefix: '44207946',
        lineDigits: 4,
        areaCode: '20',
        region: 'London',
        locality: 'London',
        caps: VOICE_SMS_FAX,
        address: 'any',
      },
      {
        type: 'local',
        prefix: '44161496',
        lineDigits: 4,
        areaCode: '161',
        region: 'Manchester',
        locality: 'Manchester',
        caps: VOICE_SMS_FAX,
        address: 'any',
      },
      {
        type: 'local',
        prefix: '44131496',
        lineDigits: 4,
        areaCode: '131',
        region: 'Edinburgh',
        locality: 'Edinburgh',
        caps: VOICE_SMS_FAX,
        address: 'any',
      },
      {
        type: 'local',
        prefix: '44121496',
        lineDigits: 4,
        areaCode: '121',
        region: 'Birmingham',
        locality: 'Birmingham',
        caps: VOICE_SMS_FAX,
        address: 'any',
      },
      { type: 'mobile', prefix: '4477009', lineDigits: 5, areaCode: '7700', caps: VOICE_SMS, address: 'none' },
      { type: 'tollfree', prefix: '4480015', lineDigits: 5, areaCode: '800', caps: VOICE_ONLY, address: 'any' },
    ]),
  },
  {
    code: 'DE',
    name: 'Germany',
    beta: false,
    types: ['local', 'mobile', 'tollfree'],
    blocks: simpleBlocks('DE', [
      {
        type: 'local',
        prefix: '4930901',
        lineDigits: 5,
        areaCode: '30',
        region: 'Berlin',
        locality: 'Berlin',
        caps: VOICE_SMS_FAX,
        address: 'local',
      },
      {
        type: 'local',
        prefix: '4989411',
        lineDigits: 5,
        areaCode: '89',
        region: 'Bayern',
        locality: 'München',
        caps: VOICE_SMS_FAX,
        address: 'local',
      },
      {
        type: 'local',
        prefix: '4940822',
        lineDigits: 5,
        areaCode: '40',
        region: 'Hamburg',
        locality: 'Hamburg',
        caps: VOICE_SMS_FAX,
        address: 'local',
      },
      { type: 'mobile', prefix: '49151123', lineDigits: 5, areaCode: '151', caps: VOICE_SMS, address: 'any' },
      { type: 'tollfree', prefix: '4980012', lineDigits: 5, areaCode: '800', caps: VOICE_ONLY, address: 'any' },
    ]),
  },
  {
    code: 'FR',
    name: 'France',
    beta: false,
    types: ['local', 'mobile', 'tollfree'],
    blocks: simpleBlocks('FR', [
      {
        type: 'local',
        prefix: '3314056',
        lineDigits: 4,
        areaCode: '1',
        region: 'Île-de-France',
        locality: 'Paris',
        caps: VOICE_SMS_FAX,
        address: 'local',
      },
      {
        type: 'local',
        prefix: '3347210',
        lineDigits: 4,
        areaCode: '4',
        region: 'Auvergne-Rhône-Alpes',
        locality: 'Lyon',
        caps: VOICE_SMS_FAX,
        address: 'local',
      },
      {
        type: 'local',
        prefix: '3356100',
        lineDigits: 4,
        areaCode: '5',
        region: 'Nouvelle-Aquitaine',
        locality: 'Bordeaux',
        caps: VOICE_SMS_FAX,
        address: 'local',
      },
      { type: 'mobile', prefix: '336121', lineDigits: 5, areaCode: '6', caps: VOICE_SMS, address: 'local' },
      { type: 'tollfree', prefix: '3380510', lineDigits: 4, areaCode: '805', caps: VOICE_ONLY, address: 'local' },
    ]),
  },
  {
    code: 'AU',
    name: 'Australia',
    beta: false,
    types: ['local', 'mobile', 'tollfree'],
    blocks: simpleBlocks('AU', [
      {
        type: 'local',
        prefix: '6128011',
        lineDigits: 4,
        areaCode: '2',
        region: 'NSW',
        locality: 'Sydney',
        caps: VOICE_SMS_FAX,
        address: 'any',
      },
      {
        type: 'local',
        prefix: '6139011',
        lineDigits: 4,
        areaCode: '3',
        region: 'VIC',
        locality: 'Melbourne',
        caps: VOICE_SMS_FAX,
        address: 'any',
      },
      {
        type: 'local',
        prefix: '6173011',
        lineDigits: 4,
        areaCode: '7',
        region: 'QLD',
        locality: 'Brisbane',
        caps: VOICE_SMS_FAX,
        address: 'any',
      },
      { type: 'mobile', prefix: '614911', lineDigits: 5, areaCode: '4', caps: VOICE_SMS, address: 'any' },
      { type: 'tollfree', prefix: '61180020', lineDigits: 4, areaCode: '1800', caps: VOICE_ONLY, address: 'any' },
    ]),
  },
];

export function countryByCode(code: string): Country | undefined {
  return COUNTRIES.find((c) => c.code === code.toUpperCase());
}
