// Package entry (`twilio-connector`): the public surface of the three parts, one namespace each,
// so that their names cannot collide. Each part also has an entry of its own:
// `twilio-connector/twilio`, `twilio-connector/connector`, `twilio-connector/sandbox`.
export * as twilio from './twilio/index.js';
export * as connector from './connector/index.js';
export * as sandbox from './sandbox/index.js';
