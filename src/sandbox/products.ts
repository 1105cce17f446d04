// Everything the sandbox serves, product by product: each entry is one file's routes, declared on
// the route table (routes/table.ts). A new product is one such file and one line here.
import { registerContentControl } from './control/content.js';
import { healthAndReset } from './control/health-reset.js';
import { registerEvents } from './control/events.js';
import { eventStreamsPanelApi } from './control/event-streams.js';
import { registerInbound } from './control/inbound.js';
import { registerOptOuts } from './control/opt-outs.js';
import { registerSettings } from './control/settings.js';
import { templatesPanelApi } from './control/templates.js';
import { inboxApi } from './control/ui-api.js';
import { whatsappControl } from './control/whatsapp.js';
import type { Product } from './routes/table.js';
import type { AccountRow } from './store/accounts.js';
import { registerAccounts } from './twilio-api/accounts.js';
import { registerContent } from './twilio-api/content.js';
import { registerAvailablePhoneNumbers } from './twilio-api/available-phone-numbers.js';
import { registerIncomingPhoneNumbers } from './twilio-api/incoming-phone-numbers.js';
import { registerKeys } from './twilio-api/keys.js';
import { registerMedia } from './twilio-api/media.js';
import { registerMessages } from './twilio-api/messages.js';
import { registerEventStreams } from './twilio-api/event-streams.js';
import { registerMessagingServices } from './twilio-api/messaging-services.js';
import { registerUsage } from './twilio-api/usage.js';
import { registerUi } from './ui/index.js';

/** What the control API needs of the sandbox's start: the main account and the number printed on start. */
export interface StartState {
  account: AccountRow;
  phoneNumber: string;
}

export function products(start: StartState): readonly Product[] {
  return [
    // Twilio's 2010 API
    registerAccounts,
    registerKeys,
    registerMessages,
    registerMedia,
    registerIncomingPhoneNumbers,
    registerAvailablePhoneNumbers,
    registerUsage,
    // Twilio's v1 products
    registerMessagingServices,
    registerEventStreams,
    registerContent,
    // the control API
    healthAndReset(start.account, start.phoneNumber),
    registerInbound,
    inboxApi(start.account),
    eventStreamsPanelApi(start.account),
    registerEvents,
    registerSettings,
    registerOptOuts,
    whatsappControl(start.account),
    registerContentControl,
    templatesPanelApi(start.account),
    // the inbox
    registerUi,
  ];
}
