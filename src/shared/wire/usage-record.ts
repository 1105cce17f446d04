// Twilio's Usage Record: one category's count and price over a period. Counts and prices are
// strings on the wire (the schema's "number" for price is wrong in practice).

export type UsageSubresource =
  'Daily' | 'Monthly' | 'Yearly' | 'AllTime' | 'Today' | 'Yesterday' | 'ThisMonth' | 'LastMonth';

export interface UsageRecord {
  account_sid: string;
  api_version: string;
  /** ISO 8601 instant, e.g. `2019-06-24T22:32:49+00:00` */
  as_of: string;
  category: string;
  count: string;
  count_unit: string;
  description: string;
  /** `YYYY-MM-DD` */
  start_date: string;
  end_date: string;
  price: string;
  price_unit: string;
  subresource_uris: Record<string, string> | null;
  uri: string;
  usage: string;
  usage_unit: string;
}

export interface UsageParams {
  Category?: string;
  /** `YYYY-MM-DD` or a relative offset such as `-30days` */
  StartDate?: string;
  EndDate?: string;
  IncludeSubaccounts?: boolean;
  PageSize?: number;
  Page?: number;
  PageToken?: string;
}
