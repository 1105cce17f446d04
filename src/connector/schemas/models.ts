// Every named model the connector publishes, in the order the definitions list them.
import type { JsonSchema } from './common.js';
import { contentModels } from './content.js';
import { errorModels } from './errors.js';
import { messageModels } from './messages.js';
import { optOutModels } from './opt-out.js';
import { phoneNumberModels } from './phone-numbers.js';
import { triggerModels } from './triggers.js';
import { usageModels } from './usage.js';
import { whatsappModels } from './whatsapp.js';

export const models: Readonly<Record<string, JsonSchema>> = {
  ...messageModels,
  ...phoneNumberModels,
  ...usageModels,
  ...contentModels,
  ...triggerModels,
  ...optOutModels,
  ...whatsappModels,
  ...errorModels,
};

export type ModelName =
  | 'SendMessageRequest'
  | 'Message'
  | 'MessageList'
  | 'Capabilities'
  | 'IncomingPhoneNumber'
  | 'IncomingPhoneNumberList'
  | 'AddIncomingPhoneNumberRequest'
  | 'AvailablePhoneNumber'
  | 'AvailablePhoneNumbers'
  | 'UsageRecord'
  | 'UsageRecords'
  | 'ContentTemplate'
  | 'ContentTemplateList'
  | 'ContentVariablesSchema'
  | 'MessageReceivedSubscription'
  | 'MessageStatusSubscription'
  | 'Subscription'
  | 'MessageBatch'
  | 'OptOutSubscription'
  | 'OptOutEvent'
  | 'ReceivedMessage'
  | 'WhatsAppFields'
  | 'PolledMessage'
  | 'ErrorEnvelope';
