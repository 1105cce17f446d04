// The envelope of every error the connector answers with. `code` is stable (match on it); Twilio's
// own code and documentation link are added when Twilio produced the error.
import { ERROR_CATALOG } from '../errors.js';
import type { JsonSchema } from './common.js';

export const ERROR_CODES = Object.keys(ERROR_CATALOG);

export const ErrorEnvelope = {
  type: 'object',
  description: 'Every connector error has this shape.',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'status', 'request_id'],
      properties: {
        code: {
          type: 'string',
          enum: ERROR_CODES,
          description:
            'Stable error code to match on, e.g. VALIDATION_FAILED, TWILIO_AUTH_FAILED, NOT_FOUND, THROTTLED.',
          'x-ms-summary': 'Error code',
        },
        message: {
          type: 'string',
          description: 'What went wrong, naming the field when one is at fault.',
          'x-ms-summary': 'Message',
        },
        status: { type: 'integer', description: 'The HTTP status of the response.', 'x-ms-summary': 'Status' },
        twilio_code: {
          type: 'integer',
          description: 'Twilio’s error code, when Twilio produced the error.',
          'x-ms-summary': 'Twilio code',
        },
        more_info: { type: 'string', description: 'Twilio’s page about the error.', 'x-ms-summary': 'More info' },
        request_id: {
          type: 'string',
          description: 'Identifies the request in the connector’s logs.',
          'x-ms-summary': 'Request ID',
        },
      },
    },
  },
} as const;

export const errorModels: Readonly<Record<string, JsonSchema>> = { ErrorEnvelope };
