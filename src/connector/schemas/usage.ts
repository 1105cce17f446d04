// Usage record models: one record per category and period. `count` and `usage` are decimal strings
// as Twilio sends them; `price` is a number, as the seeds type it (routes/usage.ts converts it).
import { PAGE_FIELDS, nullableString, str, type JsonSchema } from './common.js';

export const USAGE_SUBRESOURCES = [
  'Daily',
  'Monthly',
  'Yearly',
  'AllTime',
  'Today',
  'Yesterday',
  'ThisMonth',
  'LastMonth',
] as const;

export const UsageRecord = {
  type: 'object',
  description: 'Usage of one category over one period.',
  properties: {
    category: str('The usage category, e.g. sms, sms-outbound, mms, phonenumbers, totalprice.', 'Category'),
    description: str('What the category counts.', 'Description'),
    usage: str('Amount used, in usage_unit.', 'Usage'),
    usage_unit: nullableString('Unit of usage (e.g. messages, segments).', 'Usage unit'),
    count: nullableString('Number of events, a decimal string; null for totalprice.', 'Count'),
    count_unit: nullableString('Unit of count.', 'Count unit'),
    price: {
      type: 'number',
      'x-nullable': true,
      description:
        'Total price for the period, as a number (Twilio sends a decimal string); null when Twilio gives none.',
      'x-ms-summary': 'Price',
    },
    price_unit: nullableString('Currency of the price (lower-case ISO 4217).', 'Price unit'),
    start_date: str('First day of the period (YYYY-MM-DD).', 'Start date'),
    end_date: str('Last day of the period (YYYY-MM-DD).', 'End date'),
    as_of: str('When the numbers were computed (ISO 8601).', 'As of'),
    account_sid: str('The account.', 'Account SID'),
    api_version: str('Always 2010-04-01.', 'API version'),
    uri: str('This record at Twilio.', 'URI'),
  },
} as const;

export const UsageRecords = {
  type: 'object',
  description: 'One page of usage records.',
  properties: {
    usage_records: { type: 'array', items: { $ref: '#/definitions/UsageRecord' }, 'x-ms-summary': 'Usage records' },
    ...PAGE_FIELDS,
  },
} as const;

export const usageModels: Readonly<Record<string, JsonSchema>> = { UsageRecord, UsageRecords };
