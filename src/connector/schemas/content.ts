// Content template models: what ListContentTemplates returns (the account's templates with their
// WhatsApp approval, from Twilio's Content API), and the JSON schema of a template's variables that
// the designer asks for once a template is picked (x-ms-dynamic-schema on content_variables).
import { nullableString, sidPattern, str, type JsonSchema } from './common.js';

export const APPROVAL_STATUSES = [
  'unsubmitted',
  'received',
  'pending',
  'approved',
  'rejected',
  'paused',
  'disabled',
] as const;

export const ContentTemplate = {
  type: 'object',
  description: 'A Content template of the account, with its WhatsApp approval.',
  properties: {
    sid: str('The template SID (HX…); pass it as content_sid to send it.', 'Template ID', {
      pattern: sidPattern('HX'),
    }),
    friendly_name: str('The name given to the template (not shown to recipients).', 'Template name'),
    language: str('Language of the template, e.g. en.', 'Language'),
    variables: {
      type: 'object',
      description: 'The template’s placeholders and their default values, e.g. {"1": "customer"}.',
      'x-ms-summary': 'Variables',
      additionalProperties: { type: 'string' },
    },
    types: {
      type: 'object',
      description: 'The content of each type the template defines (twilio/text, twilio/quick-reply…).',
      'x-ms-summary': 'Types',
    },
    approval_status: str(
      'WhatsApp approval: unsubmitted, received, pending, approved, rejected, paused or disabled. Only approved templates may start a WhatsApp conversation.',
      'WhatsApp approval',
      { enum: [...APPROVAL_STATUSES] },
    ),
    approval_name: str('The name the template was submitted to WhatsApp under; empty if never.', 'Approval name'),
    approval_category: str('UTILITY, MARKETING or AUTHENTICATION; empty if never submitted.', 'Approval category'),
    rejection_reason: str('Why WhatsApp rejected the template; empty otherwise.', 'Rejection reason'),
    date_created: str('When the template was created (ISO 8601).', 'Date created'),
    date_updated: nullableString('When the template last changed (ISO 8601).', 'Date updated'),
  },
} as const;

export const ContentTemplateList = {
  type: 'object',
  description: 'One page of the account’s Content templates, newest first.',
  properties: {
    content_templates: {
      type: 'array',
      items: { $ref: '#/definitions/ContentTemplate' },
      'x-ms-summary': 'Templates',
    },
    page: { type: 'integer', description: 'Index of this page, from 0.', 'x-ms-summary': 'Page' },
    page_size: { type: 'integer', description: 'Records per page.', 'x-ms-summary': 'Page size' },
    uri: str('Link to this page.', 'Page URI'),
    first_page_uri: str('Link to the first page.', 'First page URI'),
    next_page_uri: nullableString(
      'Link to the next page at the connector; null on the last page. Call it with the same connection to read on.',
      'Next page URI',
    ),
    previous_page_uri: nullableString('The previous page; null on the first page.', 'Previous page URI'),
  },
} as const;

export const ContentVariablesSchema = {
  type: 'object',
  description:
    'The fields a template needs, as a JSON schema under `schema`: one string property per placeholder, named after it, with its default value as the description.',
  properties: {
    schema: {
      type: 'object',
      description: 'A JSON schema of the content_variables object for this template.',
      'x-ms-summary': 'Schema',
    },
  },
} as const;

export const contentModels: Readonly<Record<string, JsonSchema>> = {
  ContentTemplate,
  ContentTemplateList,
  ContentVariablesSchema,
};
