// Messages: send, fetch, list (with paging), redact or cancel, delete.
import type {
  Message,
  MessageCreateParams,
  MessageListParams,
  MessageUpdateParams,
} from '../../shared/wire/message.js';
import type { TwilioClient } from '../client.js';
import type { QueryFields } from '../form.js';
import type { Page } from '../paging.js';
import { sidSegment } from './sid.js';

export interface MessagesResource {
  create(params: MessageCreateParams): Promise<Message>;
  fetch(sid: string): Promise<Message>;
  list(params?: MessageListParams): Promise<Page<Message>>;
  /** every message matching `params`, across pages */
  each(params?: MessageListParams): AsyncIterable<Message>;
  update(sid: string, params: MessageUpdateParams): Promise<Message>;
  remove(sid: string): Promise<void>;
}

const path = (sid: string): string => `/Messages/${sidSegment('Message', ['SM', 'MM'], sid)}.json`;

/** Twilio spells the range filters `DateSent<` and `DateSent>`. */
export function messageListQuery(params: MessageListParams = {}): QueryFields {
  const { DateSentBefore, DateSentAfter, ...rest } = params;
  return { ...rest, 'DateSent<': DateSentBefore, 'DateSent>': DateSentAfter };
}

export function messagesResource(client: TwilioClient): MessagesResource {
  const list = (params?: MessageListParams): Promise<Page<Message>> =>
    client.list<Message>('/Messages.json', messageListQuery(params), 'messages');
  return {
    async create(params) {
      return (await client.request<Message>('POST', '/Messages.json', { form: { ...params } })).body;
    },
    async fetch(sid) {
      return (await client.request<Message>('GET', path(sid))).body;
    },
    list,
    async *each(params) {
      yield* client.iterate(await list(params));
    },
    async update(sid, params) {
      return (await client.request<Message>('POST', path(sid), { form: { ...params } })).body;
    },
    async remove(sid) {
      await client.request<undefined>('DELETE', path(sid));
    },
  };
}
