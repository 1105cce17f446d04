// AvailablePhoneNumbers: search numbers that can be bought, by country and type.
import type {
  AvailableNumberType,
  AvailablePhoneNumberList,
  AvailablePhoneNumberParams,
} from '../../shared/wire/available-phone-number.js';
import type { TwilioClient } from '../client.js';
import { InvalidArgumentError } from '../errors.js';

export interface AvailablePhoneNumbersResource {
  list(
    country: string,
    type: AvailableNumberType,
    params?: AvailablePhoneNumberParams,
  ): Promise<AvailablePhoneNumberList>;
}

const TYPES: readonly string[] = ['Local', 'TollFree', 'Mobile'] satisfies AvailableNumberType[];

export function availablePhoneNumbersResource(client: TwilioClient): AvailablePhoneNumbersResource {
  return {
    async list(country, type, params = {}) {
      if (typeof country !== 'string' || !/^[A-Za-z]{2}$/.test(country)) {
        throw new InvalidArgumentError('country must be a two-letter ISO 3166 code such as US');
      }
      if (!TYPES.includes(type)) throw new InvalidArgumentError(`type must be one of ${TYPES.join(', ')}`);
      const res = await client.request<AvailablePhoneNumberList>(
        'GET',
        `/AvailablePhoneNumbers/${country.toUpperCase()}/${type}.json`,
        { query: { ...params } },
      );
      return res.body;
    },
  };
}
