// IncomingPhoneNumbers: the numbers the account owns — list, buy, fetch, configure, release.
import type {
  IncomingPhoneNumber,
  IncomingPhoneNumberCreateParams,
  IncomingPhoneNumberListParams,
  IncomingPhoneNumberUpdateParams,
} from '../../shared/wire/incoming-phone-number.js';
import type { TwilioClient } from '../client.js';
import type { Page } from '../paging.js';
import { sidSegment } from './sid.js';

export interface IncomingPhoneNumbersResource {
  list(params?: IncomingPhoneNumberListParams): Promise<Page<IncomingPhoneNumber>>;
  each(params?: IncomingPhoneNumberListParams): AsyncIterable<IncomingPhoneNumber>;
  create(params: IncomingPhoneNumberCreateParams): Promise<IncomingPhoneNumber>;
  fetch(sid: string): Promise<IncomingPhoneNumber>;
  update(sid: string, params: IncomingPhoneNumberUpdateParams): Promise<IncomingPhoneNumber>;
  remove(sid: string): Promise<void>;
}

const path = (sid: string): string => `/IncomingPhoneNumbers/${sidSegment('IncomingPhoneNumber', ['PN'], sid)}.json`;

export function incomingPhoneNumbersResource(client: TwilioClient): IncomingPhoneNumbersResource {
  const list = (params: IncomingPhoneNumberListParams = {}): Promise<Page<IncomingPhoneNumber>> =>
    client.list<IncomingPhoneNumber>('/IncomingPhoneNumbers.json', { ...params }, 'incoming_phone_numbers');
  return {
    list,
    async *each(params) {
      yield* client.iterate(await list(params));
    },
    async create(params) {
      return (await client.request<IncomingPhoneNumber>('POST', '/IncomingPhoneNumbers.json', { form: { ...params } }))
        .body;
    },
    async fetch(sid) {
      return (await client.request<IncomingPhoneNumber>('GET', path(sid))).body;
    },
    async update(sid, params) {
      return (await client.request<IncomingPhoneNumber>('POST', path(sid), { form: { ...params } })).body;
    },
    async remove(sid) {
      await client.request<undefined>('DELETE', path(sid));
    },
  };
}
