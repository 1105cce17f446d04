// Entry of the lifecycle part: what other parts use of it. The engine itself is one of the
// sandbox's typed parts (context.ts), created with the app.
export { setFateDecider, defaultFate, FATE_CODES, type Fate, type FateDecider } from './fate.js';
export { priceOf } from './pricing.js';
export { enqueueStatusCallback } from './callbacks.js';
