// Content API v1 templates: create, fetch, list (also with their WhatsApp approval), delete, and
// WhatsApp approval requests. JSON bodies; at Twilio these live on content.twilio.com, which the
// client picks for these paths when it talks to Twilio itself.
import type {
  ApprovalCreateParams,
  ApprovalFetch,
  ApprovalRequest,
  Content,
  ContentAndApprovals,
  ContentCreateParams,
  ContentListParams,
} from '../../shared/wire/content.js';
import type { TwilioClient } from '../client.js';
import type { Page } from '../paging.js';
import { sidSegment } from './sid.js';

export interface ContentResource {
  create(params: ContentCreateParams): Promise<Content>;
  fetch(sid: string): Promise<Content>;
  list(params?: ContentListParams): Promise<Page<Content>>;
  /** every template, across pages */
  each(params?: ContentListParams): AsyncIterable<Content>;
  /** one page of templates with their WhatsApp approval */
  listWithApprovals(params?: ContentListParams): Promise<Page<ContentAndApprovals>>;
  remove(sid: string): Promise<void>;
  /** submits a template for WhatsApp approval */
  submitForWhatsApp(sid: string, params: ApprovalCreateParams): Promise<ApprovalRequest>;
  approval(sid: string): Promise<ApprovalFetch>;
}

const path = (sid: string): string => `/v1/Content/${sidSegment('Content', ['HX'], sid)}`;

export function contentResource(client: TwilioClient): ContentResource {
  const list = (params?: ContentListParams): Promise<Page<Content>> =>
    client.list<Content>('/v1/Content', params === undefined ? undefined : { ...params }, 'contents');
  return {
    async create(params) {
      return (await client.request<Content>('POST', '/v1/Content', { json: params })).body;
    },
    async fetch(sid) {
      return (await client.request<Content>('GET', path(sid))).body;
    },
    list,
    async *each(params) {
      yield* client.iterate(await list(params));
    },
    listWithApprovals(params) {
      return client.list<ContentAndApprovals>(
        '/v1/ContentAndApprovals',
        params === undefined ? undefined : { ...params },
        'contents',
      );
    },
    async remove(sid) {
      await client.request<undefined>('DELETE', path(sid));
    },
    async submitForWhatsApp(sid, params) {
      return (await client.request<ApprovalRequest>('POST', `${path(sid)}/ApprovalRequests/whatsapp`, { json: params }))
        .body;
    },
    async approval(sid) {
      return (await client.request<ApprovalFetch>('GET', `${path(sid)}/ApprovalRequests`)).body;
    },
  };
}
