// Stores a message row directly, with the fields of a finished outbound SMS unless overridden,
// for tests that need history without running the lifecycle.
import { insertMessage, type MessageRow, type NewMessage } from '../../src/sandbox/store/messages.js';
import type { TestSandbox } from './sandbox.js';

export function storeMessage(sb: TestSandbox, over: Partial<NewMessage> = {}): MessageRow {
  const at = over.date_created ?? Date.now();
  return insertMessage(sb.sandbox.ctx.db, {
    account_sid: sb.accountSid,
    to_addr: '+15558675310',
    from_addr: sb.phoneNumber,
    body: 'done',
    status: 'delivered',
    direction: 'outbound-api',
    num_segments: 1,
    encoding: 'GSM-7',
    price: '-0.00790',
    price_unit: 'USD',
    error_code: null,
    error_message: null,
    messaging_service_sid: null,
    status_callback: null,
    application_sid: null,
    validity_period: null,
    send_at: null,
    date_created: at,
    date_sent: at,
    next_at: null,
    next_status: null,
    fate: null,
    ...over,
  });
}
