// Twilio's wire types (the JSON Twilio returns, the form fields it accepts), one file per resource.
export type * from './message.js';
export type * from './incoming-phone-number.js';
export type * from './available-phone-number.js';
export type * from './usage-record.js';
export type * from './content.js';
