// Searches and looks up the virtual inventory without materialising it: a number is (block,
// line), its availability and capabilities come from a hash of both, and a search walks the
// matching blocks round-robin through a fixed permutation of their lines, stopping at the limit.
import type { Capabilities } from '../store/numbers.js';
import type { ContainsPattern } from './pattern.js';
import { COUNTRIES, type Block, type Country, type NumberType, type Place } from './catalog.js';

export interface InventoryNumber {
  phone_number: string;
  block: Block;
  capabilities: Capabilities;
}

export interface SearchFilters {
  areaCode?: string;
  contains?: ContainsPattern;
  sms?: boolean;
  mms?: boolean;
  voice?: boolean;
  fax?: boolean;
  excludeAllAddressRequired?: boolean;
  excludeLocalAddressRequired?: boolean;
  excludeForeignAddressRequired?: boolean;
  beta?: boolean;
  region?: string;
  postalCode?: string;
  locality?: string;
  rateCenter?: string;
  lata?: string;
  near?: { latitude: number; longitude: number; miles: number };
}

/** 32-bit integer mixer (a murmur3-style finaliser). */
function mix(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** 7919 is prime and coprime with every power of ten, so i → line visits each line once. */
const STRIDE = 7919;

const lineText = (block: Block, line: number): string => String(line).padStart(block.lineDigits, '0');

/** About three in ten numbers of a block are already someone else's. */
function taken(h: number): boolean {
  return h % 10 >= 7;
}

function capsOf(block: Block, h: number): Capabilities {
  return {
    voice: block.caps.voice,
    sms: block.caps.sms,
    // some numbers of an MMS-capable block lack MMS, and only a quarter keep fax
    mms: block.caps.mms && (h >>> 4) % 8 !== 0,
    fax: block.caps.fax && (h >>> 8) % 4 === 0,
  };
}

function numberOf(block: Block, line: number, h: number): InventoryNumber {
  return { phone_number: `+${block.prefix}${lineText(block, line)}`, block, capabilities: capsOf(block, h) };
}

/** Great-circle distance in miles. */
export function miles(aLat: number, aLng: number, bLat: number, bLng: number): number {
  const rad = Math.PI / 180;
  const dLat = (bLat - aLat) * rad;
  const dLng = (bLng - aLng) * rad;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(aLat * rad) * Math.cos(bLat * rad) * Math.sin(dLng / 2) ** 2;
  return 3958.8 * 2 * Math.asin(Math.min(1, Math.sqrt(s)));
}

const same = (want: string | undefined, have: string | null): boolean =>
  want === undefined || (have !== null && have.toLowerCase() === want.toLowerCase());

function blockMatches(b: Block, f: SearchFilters): boolean {
  if (f.areaCode !== undefined && b.areaCode !== f.areaCode) return false;
  const lead = f.contains?.leading;
  if (lead !== undefined && !(b.prefix.startsWith(lead) || lead.startsWith(b.prefix))) return false;
  if (f.beta === false && b.beta) return false;
  if (f.excludeAllAddressRequired && b.address !== 'none') return false;
  if (f.excludeLocalAddressRequired && b.address === 'local') return false;
  if (f.excludeForeignAddressRequired && b.address === 'foreign') return false;
  if (f.sms !== undefined && f.sms !== b.caps.sms) return false;
  if (f.voice !== undefined && f.voice !== b.caps.voice) return false;
  if (f.mms === true && !b.caps.mms) return false;
  if (f.fax === true && !b.caps.fax) return false;
  const p = b.place;
  if (!same(f.region, p.region) || !same(f.locality, p.locality) || !same(f.postalCode, p.postal_code)) return false;
  if (!same(f.rateCenter, p.rate_center) || !same(f.lata, p.lata)) return false;
  if (f.near) {
    if (p.latitude === null || p.longitude === null) return false;
    if (miles(f.near.latitude, f.near.longitude, p.latitude, p.longitude) > f.near.miles) return false;
  }
  return true;
}

function numberMatches(n: InventoryNumber, f: SearchFilters): boolean {
  const c = n.capabilities;
  if (f.mms !== undefined && f.mms !== c.mms) return false;
  if (f.fax !== undefined && f.fax !== c.fax) return false;
  return f.contains === undefined || f.contains.regex.test(n.phone_number.slice(1));
}

/**
 * Up to `limit` available numbers of one type in a country, skipping `owned` (numbers any sandbox
 * account holds). Deterministic: the same filters and holdings give the same answer.
 */
export function searchInventory(
  country: Country,
  type: NumberType,
  filters: SearchFilters,
  owned: ReadonlySet<string>,
  limit: number,
): InventoryNumber[] {
  const blocks = country.blocks.filter((b) => b.type === type && blockMatches(b, filters));
  const sizes = blocks.map((b) => 10 ** b.lineDigits);
  const longest = Math.max(0, ...sizes);
  const out: InventoryNumber[] = [];
  for (let i = 0; i < longest; i++) {
    for (let k = 0; k < blocks.length; k++) {
      const block = blocks[k]!;
      const size = sizes[k]!;
      if (i >= size) continue;
      const line = (i * STRIDE + block.seed) % size;
      const h = mix(block.seed ^ line);
      if (taken(h)) continue;
      const n = numberOf(block, line, h);
      if (!numberMatches(n, filters) || owned.has(n.phone_number)) continue;
      out.push(n);
      if (out.length >= limit) return out;
    }
  }
  return out;
}

function blockOf(e164: string): { block: Block; line: number } | undefined {
  const digits = e164.startsWith('+') ? e164.slice(1) : e164;
  for (const country of COUNTRIES) {
    for (const block of country.blocks) {
      if (digits.length === block.prefix.length + block.lineDigits && digits.startsWith(block.prefix)) {
        return { block, line: Number(digits.slice(block.prefix.length)) };
      }
    }
  }
  return undefined;
}

/** The inventory number with this E.164 value, if it exists and is not taken by the world. */
export function findInInventory(e164: string): InventoryNumber | undefined {
  const found = blockOf(e164);
  if (!found) return undefined;
  const h = mix(found.block.seed ^ found.line);
  return taken(h) ? undefined : numberOf(found.block, found.line, h);
}

/** Where a number is, for NearNumber: its block's place, else (NANP) its area code's first place. */
export function placeOf(e164: string): Place | undefined {
  const found = blockOf(e164)?.block.place;
  if (found && found.latitude !== null) return found;
  const m = /^\+1(\d{3})\d{7}$/.exec(e164);
  if (!m) return undefined;
  for (const country of COUNTRIES) {
    const block = country.blocks.find((b) => b.type === 'local' && b.areaCode === m[1]);
    if (block) return block.place;
  }
  return undefined;
}
