// Content API v1 wire types (content.twilio.com/v1/Content…): templates, their WhatsApp approval,
// and the JSON a create sends. Field names as Twilio sends them (snake_case, ISO 8601 dates).

/** The review states Twilio reports for a WhatsApp template. */
export type ApprovalStatus = 'unsubmitted' | 'received' | 'pending' | 'approved' | 'rejected' | 'paused' | 'disabled';

export interface Content {
  sid: string;
  account_sid: string;
  friendly_name: string;
  language: string;
  /** placeholder key → default (sample) value */
  variables: Record<string, string>;
  /** content type (`twilio/text`, `twilio/quick-reply`…) → its definition */
  types: Record<string, Record<string, unknown>>;
  url: string;
  date_created: string;
  date_updated: string;
  links: Record<string, string>;
}

export interface ApprovalRequest {
  name: string;
  category: string;
  content_type: string;
  status: ApprovalStatus;
  rejection_reason: string;
  allow_category_change: boolean;
}

/** An entry of /v1/ContentAndApprovals: the template without its links, with its review. */
export interface ContentAndApprovals extends Omit<Content, 'url' | 'links'> {
  approval_requests: ApprovalRequest;
}

export interface ApprovalFetch {
  sid: string;
  account_sid: string;
  whatsapp: (ApprovalRequest & { type: 'whatsapp' }) | null;
  url: string;
}

/** POST /v1/Content: a JSON body with snake_case keys (camelCase ones are ignored by Twilio). */
export interface ContentCreateParams {
  friendly_name?: string;
  language: string;
  variables?: Record<string, string>;
  types: Record<string, Record<string, unknown>>;
}

export interface ApprovalCreateParams {
  name: string;
  category: 'UTILITY' | 'MARKETING' | 'AUTHENTICATION';
}

export interface ContentListParams {
  PageSize?: number;
  Page?: number;
  PageToken?: string;
}
