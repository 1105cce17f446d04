// Usage Records: what the account used and spent, overall or per period.
import type { UsageParams, UsageRecord, UsageSubresource } from '../../shared/wire/usage-record.js';
import type { TwilioClient } from '../client.js';
import { InvalidArgumentError } from '../errors.js';
import type { Page } from '../paging.js';

export interface UsageResource {
  records(params?: UsageParams, subresource?: UsageSubresource): Promise<Page<UsageRecord>>;
}

const SUBRESOURCES: readonly string[] = [
  'Daily',
  'Monthly',
  'Yearly',
  'AllTime',
  'Today',
  'Yesterday',
  'ThisMonth',
  'LastMonth',
] satisfies UsageSubresource[];

export function usageResource(client: TwilioClient): UsageResource {
  return {
    records(params = {}, subresource) {
      if (subresource !== undefined && !SUBRESOURCES.includes(subresource)) {
        return Promise.reject(new InvalidArgumentError(`usage subresource must be one of ${SUBRESOURCES.join(', ')}`));
      }
      const path = subresource === undefined ? '/Usage/Records.json' : `/Usage/Records/${subresource}.json`;
      return client.list<UsageRecord>(path, { ...params }, 'usage_records');
    },
  };
}
