// /2010-04-01/Accounts/{Sid}/AvailablePhoneNumbers: the countries the sandbox sells numbers in and
// searches of its generated inventory, with every filter Twilio documents. Unpaged, like Twilio:
// `{uri, available_phone_numbers}` holding at most PageSize numbers.
import type { SandboxContext } from '../context.js';
import { countryByCode, COUNTRIES, type Country, type NumberType } from '../inventory/catalog.js';
import { compileContains } from '../inventory/pattern.js';
import { placeOf, searchInventory, type InventoryNumber, type SearchFilters } from '../inventory/search.js';
import { formatFriendly, ownedNumbers } from '../store/numbers.js';
import { invalidParam, notFound } from '../twilio-wire/errors.js';
import type { RouteTable } from '../routes/table.js';
import { API_PREFIX, type TwilioRequest } from '../routes/twilio.js';

/** Path segment → inventory type; the types Twilio has that the sandbox never offers map to null. */
const TYPES: Record<string, NumberType | null> = {
  Local: 'local',
  TollFree: 'tollfree',
  Mobile: 'mobile',
  National: null,
  Voip: null,
  SharedCost: null,
  MachineToMachine: null,
};

const SUBRESOURCE: Record<NumberType, [string, string]> = {
  local: ['local', 'Local'],
  tollfree: ['toll_free', 'TollFree'],
  mobile: ['mobile', 'Mobile'],
};

/** `true`/`false` (any case) as Twilio's booleans; anything else is a 400 naming the parameter. */
export function parseBool(query: URLSearchParams, name: string): boolean | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  if (/^true$/i.test(v)) return true;
  if (/^false$/i.test(v)) return false;
  throw invalidParam(`Invalid ${name}: must be true or false`);
}

function countryJson(accountSid: string, c: Country): Record<string, unknown> {
  const base = `${API_PREFIX}/Accounts/${accountSid}/AvailablePhoneNumbers/${c.code}`;
  const subresource_uris: Record<string, string> = {};
  for (const t of c.types) {
    const [key, segment] = SUBRESOURCE[t];
    subresource_uris[key] = `${base}/${segment}.json`;
  }
  return { country_code: c.code, country: c.name, uri: `${base}.json`, beta: c.beta, subresource_uris };
}

function numberJson(n: InventoryNumber): Record<string, unknown> {
  const p = n.block.place;
  return {
    friendly_name: formatFriendly(n.phone_number),
    phone_number: n.phone_number,
    lata: p.lata,
    locality: p.locality,
    rate_center: p.rate_center,
    latitude: p.latitude === null ? null : p.latitude.toFixed(6),
    longitude: p.longitude === null ? null : p.longitude.toFixed(6),
    region: p.region,
    postal_code: p.postal_code,
    iso_country: n.block.country,
    address_requirements: n.block.address,
    beta: n.block.beta,
    capabilities: { ...n.capabilities },
  };
}

function text(query: URLSearchParams, name: string): string | undefined {
  const v = query.get(name);
  return v === null || v.trim() === '' ? undefined : v.trim();
}

function parseNear(query: URLSearchParams): SearchFilters['near'] {
  const distanceText = text(query, 'Distance');
  let distance = 25;
  if (distanceText !== undefined) {
    if (!/^\d{1,3}$/.test(distanceText) || Number(distanceText) > 500) {
      throw invalidParam('Invalid Distance: must be a whole number of miles from 0 to 500');
    }
    distance = Number(distanceText);
  }
  const latLong = text(query, 'NearLatLong');
  if (latLong !== undefined) {
    const m = /^(-?\d{1,3}(?:\.\d+)?),\s*(-?\d{1,3}(?:\.\d+)?)$/.exec(latLong);
    const lat = Number(m?.[1]);
    const lng = Number(m?.[2]);
    if (!m || Math.abs(lat) > 90 || Math.abs(lng) > 180) {
      throw invalidParam('Invalid NearLatLong: expected "latitude,longitude", e.g. 37.7749,-122.4194');
    }
    return { latitude: lat, longitude: lng, miles: distance };
  }
  const nearNumber = text(query, 'NearNumber');
  if (nearNumber !== undefined) {
    const e164 = /^\d{10}$/.test(nearNumber)
      ? `+1${nearNumber}`
      : nearNumber.startsWith('+')
        ? nearNumber
        : `+${nearNumber}`;
    const place = /^\+[1-9]\d{6,14}$/.test(e164) ? placeOf(e164) : undefined;
    if (!place || place.latitude === null || place.longitude === null) {
      throw invalidParam(`Invalid NearNumber: the location of ${nearNumber} is not known`);
    }
    return { latitude: place.latitude, longitude: place.longitude, miles: distance };
  }
  return undefined;
}

function parseFilters(query: URLSearchParams): SearchFilters {
  const f: SearchFilters = {};
  const areaCode = text(query, 'AreaCode');
  if (areaCode !== undefined) {
    if (!/^\d{1,4}$/.test(areaCode)) throw invalidParam('Invalid AreaCode: must be 1 to 4 digits');
    f.areaCode = areaCode;
  }
  const contains = text(query, 'Contains');
  if (contains !== undefined) {
    const compiled = compileContains(contains);
    if (typeof compiled === 'string') throw invalidParam(`Invalid Contains: ${compiled}`);
    f.contains = compiled;
  }
  const bools: [keyof SearchFilters, string][] = [
    ['sms', 'SmsEnabled'],
    ['mms', 'MmsEnabled'],
    ['voice', 'VoiceEnabled'],
    ['fax', 'FaxEnabled'],
    ['excludeAllAddressRequired', 'ExcludeAllAddressRequired'],
    ['excludeLocalAddressRequired', 'ExcludeLocalAddressRequired'],
    ['excludeForeignAddressRequired', 'ExcludeForeignAddressRequired'],
    ['beta', 'Beta'],
  ];
  for (const [key, name] of bools) {
    const v = parseBool(query, name);
    if (v !== undefined) (f as Record<string, unknown>)[key] = v;
  }
  const strings: [keyof SearchFilters, string][] = [
    ['region', 'InRegion'],
    ['postalCode', 'InPostalCode'],
    ['locality', 'InLocality'],
    ['rateCenter', 'InRateCenter'],
    ['lata', 'InLata'],
  ];
  for (const [key, name] of strings) {
    const v = text(query, name);
    if (v !== undefined) (f as Record<string, unknown>)[key] = v;
  }
  if (f.rateCenter !== undefined && f.lata === undefined) throw invalidParam('InRateCenter requires InLata');
  const near = parseNear(query);
  if (near) f.near = near;
  return f;
}

function pageSize(query: URLSearchParams): number {
  const v = query.get('PageSize');
  if (v === null) return 50;
  if (!/^\d{1,4}$/.test(v) || Number(v) < 1 || Number(v) > 1000) {
    throw invalidParam('Invalid PageSize: must be between 1 and 1000');
  }
  return Number(v);
}

function findCountry(req: TwilioRequest): Country {
  const country = countryByCode(req.params['CountryCode'] ?? '');
  if (!country) throw notFound(req.path);
  return country;
}

export function registerAvailablePhoneNumbers(routes: RouteTable, ctx: SandboxContext): void {
  routes.api2010('GET', '/Accounts/:AccountSid/AvailablePhoneNumbers', (req) => ({
    type: 'collection',
    key: 'countries',
    element: 'Countries',
    itemElement: 'Country',
    items: COUNTRIES.map((c) => countryJson(req.account.sid, c)),
    uri: `${API_PREFIX}/Accounts/${req.account.sid}/AvailablePhoneNumbers.json`,
  }));

  routes.api2010('GET', '/Accounts/:AccountSid/AvailablePhoneNumbers/:CountryCode', (req) => ({
    type: 'instance',
    element: 'Country',
    data: countryJson(req.account.sid, findCountry(req)),
  }));

  for (const [segment, type] of Object.entries(TYPES)) {
    routes.api2010('GET', `/Accounts/:AccountSid/AvailablePhoneNumbers/:CountryCode/${segment}`, (req) => {
      const country = findCountry(req);
      if (type === null || !country.types.includes(type)) throw notFound(req.path);
      const filters = parseFilters(req.query);
      const limit = pageSize(req.query);
      const found = searchInventory(country, type, filters, ownedNumbers(ctx.db, country.code), limit);
      return {
        type: 'collection',
        key: 'available_phone_numbers',
        element: 'AvailablePhoneNumbers',
        itemElement: 'AvailablePhoneNumber',
        items: found.map(numberJson),
        uri: `${API_PREFIX}/Accounts/${req.account.sid}/AvailablePhoneNumbers/${country.code}/${segment}.json`,
      };
    });
  }
}
