// What the received trigger tells a flow about a WhatsApp message: the Message model plus the
// fields WhatsApp adds to Twilio's inbound webhook (who wrote, what kind of message, the button,
// list item or location it carries, what it replies to, the ad it came from), so a flow can branch
// on a tapped button or read a shared location without parsing Twilio's parameters.
import { Message } from './messages.js';
import { nullableString, str, type JsonSchema } from './common.js';

/** Twilio's inbound WhatsApp parameters and the snake_case names the trigger gives them. */
export const WHATSAPP_PARAMS = {
  wa_id: 'WaId',
  profile_name: 'ProfileName',
  message_type: 'MessageType',
  button_text: 'ButtonText',
  button_payload: 'ButtonPayload',
  list_id: 'ListId',
  list_title: 'ListTitle',
  latitude: 'Latitude',
  longitude: 'Longitude',
  address: 'Address',
  label: 'Label',
  original_replied_message_sid: 'OriginalRepliedMessageSid',
  original_replied_message_sender: 'OriginalRepliedMessageSender',
  forwarded: 'Forwarded',
  frequently_forwarded: 'FrequentlyForwarded',
  referral_body: 'ReferralBody',
  referral_headline: 'ReferralHeadline',
  referral_source_id: 'ReferralSourceId',
  referral_source_type: 'ReferralSourceType',
  referral_source_url: 'ReferralSourceUrl',
  referral_media_url: 'ReferralMediaUrl',
  referral_ctwa_clid: 'ReferralCtwaClid',
} as const;

export type WhatsAppFieldName = keyof typeof WHATSAPP_PARAMS;

const DESCRIPTIONS: Readonly<Record<WhatsAppFieldName, readonly [string, string]>> = {
  wa_id: ['The user’s WhatsApp ID: their number without +.', 'WhatsApp ID'],
  profile_name: ['The user’s WhatsApp profile name.', 'Profile name'],
  message_type: [
    'text, image, video, audio, document, location, button (a tapped quick reply or template button) or interactive (a list choice).',
    'Message type',
  ],
  button_text: ['The text of the button the user tapped.', 'Button text'],
  button_payload: ['The ID of the button the user tapped.', 'Button payload'],
  list_id: ['The ID of the list item the user chose.', 'List item ID'],
  list_title: ['The title of the list item the user chose.', 'List item title'],
  latitude: ['The latitude of a shared location.', 'Latitude'],
  longitude: ['The longitude of a shared location.', 'Longitude'],
  address: ['The address of a shared location.', 'Location address'],
  label: ['The name of a shared location.', 'Location label'],
  original_replied_message_sid: ['The message the user replied to.', 'Replied message SID'],
  original_replied_message_sender: ['The sender of the message the user replied to.', 'Replied message sender'],
  forwarded: ['true when the message was forwarded.', 'Forwarded'],
  frequently_forwarded: ['true when the message was forwarded many times.', 'Frequently forwarded'],
  referral_body: ['The text of the ad the user came from.', 'Ad body'],
  referral_headline: ['The headline of the ad the user came from.', 'Ad headline'],
  referral_source_id: ['The ID of the ad or post the user came from.', 'Ad source ID'],
  referral_source_type: ['ad or post.', 'Ad source type'],
  referral_source_url: ['The URL of the ad or post.', 'Ad source URL'],
  referral_media_url: ['The media of the ad.', 'Ad media URL'],
  referral_ctwa_clid: ['The click ID of the Click-to-WhatsApp ad.', 'Ad click ID'],
};

export const WhatsAppFields = {
  type: 'object',
  description: 'What WhatsApp adds to a received message; null for SMS and MMS.',
  'x-ms-summary': 'WhatsApp',
  'x-nullable': true,
  properties: Object.fromEntries(
    (Object.keys(WHATSAPP_PARAMS) as WhatsAppFieldName[]).map((k) => {
      const [description, summary] = DESCRIPTIONS[k];
      return [
        k,
        k === 'wa_id' || k === 'profile_name' || k === 'message_type'
          ? str(description, summary)
          : nullableString(description, summary),
      ];
    }),
  ),
} as const satisfies JsonSchema;

/** The event of the received trigger. */
export const ReceivedMessage = {
  type: 'object',
  description:
    'A message one of the account’s numbers received, with its media and, over WhatsApp, its WhatsApp fields.',
  properties: {
    ...Message.properties,
    channel: str('sms for SMS and MMS, whatsapp for WhatsApp.', 'Channel', { enum: ['sms', 'whatsapp'] }),
    media: {
      type: 'array',
      description: 'The attached media.',
      'x-ms-summary': 'Media',
      items: {
        type: 'object',
        properties: {
          url: str('Where the media can be fetched.', 'Media URL'),
          content_type: nullableString('Its MIME type.', 'Media type'),
        },
      },
    },
    whatsapp: { $ref: '#/definitions/WhatsAppFields' },
  },
} as const satisfies JsonSchema;

/**
 * A message the polling trigger returns: Twilio's Message resource, as GetMessage gives it, plus,
 * for WhatsApp only, what that resource can tell about the channel. The rest of WhatsAppFields lives
 * only in Twilio's inbound webhook, so the webhook trigger is the one that carries it.
 */
export const PolledMessage = {
  type: 'object',
  description: 'A received message as Twilio reports it; over WhatsApp, with its channel and the user’s WhatsApp ID.',
  properties: {
    ...Message.properties,
    channel: str('whatsapp for WhatsApp messages; absent for SMS and MMS.', 'Channel', { enum: ['whatsapp'] }),
    whatsapp: {
      type: 'object',
      description: 'What the message list tells about a WhatsApp message; absent for SMS and MMS.',
      'x-ms-summary': 'WhatsApp',
      properties: { wa_id: str(DESCRIPTIONS.wa_id[0], DESCRIPTIONS.wa_id[1]) },
    },
  },
} as const satisfies JsonSchema;

export const whatsappModels: Readonly<Record<string, JsonSchema>> = { WhatsAppFields, ReceivedMessage, PolledMessage };
