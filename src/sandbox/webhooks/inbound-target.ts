// Where an inbound text to a number is reported. A number in a Messaging Service uses the
// service's inbound request URL (and its fallback) unless the service defers to the number
// (`use_inbound_webhook_on_number`) or has no URL of its own; otherwise the number's SmsUrl.
import type { Db } from '../store/db.js';
import type { NumberRow } from '../store/numbers.js';
import { serviceExtra, type ServiceRow } from '../store/services.js';
import { normalizeMethod, type HttpMethod } from './outbox.js';

export interface InboundTarget {
  /** empty: nobody to tell, the message is only stored */
  url: string;
  method: HttpMethod;
  fallbackUrl: string;
  fallbackMethod: HttpMethod;
  serviceSid: string | null;
}

export function inboundTarget(db: Db, number: NumberRow): InboundTarget {
  const service = db
    .prepare(
      'SELECT s.* FROM services s JOIN service_numbers sn ON sn.service_sid = s.sid WHERE sn.number_sid = ? ORDER BY sn.date_created LIMIT 1',
    )
    .get(number.sid) as ServiceRow | undefined;
  if (service?.inbound_request_url && !serviceExtra(service).use_inbound_webhook_on_number) {
    return {
      url: service.inbound_request_url,
      method: normalizeMethod(service.inbound_method),
      fallbackUrl: service.fallback_url ?? '',
      fallbackMethod: normalizeMethod(serviceExtra(service).fallback_method),
      serviceSid: service.sid,
    };
  }
  return {
    url: number.sms_url,
    method: normalizeMethod(number.sms_method),
    fallbackUrl: number.sms_fallback_url,
    fallbackMethod: normalizeMethod(number.sms_fallback_method),
    serviceSid: service?.sid ?? null,
  };
}
