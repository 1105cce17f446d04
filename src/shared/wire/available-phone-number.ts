// Twilio's AvailablePhoneNumbers search: numbers that can be bought, and the filters it accepts.
// Latitude and longitude are strings on the wire although Twilio's schema calls them numbers.

export type AvailableNumberType = 'Local' | 'TollFree' | 'Mobile';

export interface AvailablePhoneNumber {
  friendly_name: string;
  phone_number: string;
  lata: string | null;
  locality: string | null;
  rate_center: string | null;
  latitude: string | null;
  longitude: string | null;
  region: string | null;
  postal_code: string | null;
  iso_country: string;
  address_requirements: string;
  beta: boolean;
  /** read these case-insensitively: some responses say `SMS`/`MMS` */
  capabilities: Record<string, boolean>;
}

/** The response is effectively unpaged: just the URI and the numbers. */
export interface AvailablePhoneNumberList {
  uri: string;
  available_phone_numbers: AvailablePhoneNumber[];
}

export interface AvailablePhoneNumberParams {
  AreaCode?: number | string;
  /** 2–16 characters of digits/letters with `*`, `%`, `+`, `$` meta characters */
  Contains?: string;
  SmsEnabled?: boolean;
  MmsEnabled?: boolean;
  VoiceEnabled?: boolean;
  FaxEnabled?: boolean;
  ExcludeAllAddressRequired?: boolean;
  ExcludeLocalAddressRequired?: boolean;
  ExcludeForeignAddressRequired?: boolean;
  Beta?: boolean;
  NearNumber?: string;
  NearLatLong?: string;
  Distance?: number;
  InPostalCode?: string;
  InRegion?: string;
  InRateCenter?: string;
  InLata?: string;
  InLocality?: string;
  PageSize?: number;
}
