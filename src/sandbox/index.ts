// Public entry of the sandbox (`twilio-connector/sandbox`): build one (it does not listen until
// asked), its configuration, and the hook that decides how outbound messages end.
export { buildSandbox, type Sandbox } from './app.js';
export { sandboxConfig, sandboxSpec, type SandboxConfig } from './config.js';
export type { SandboxContext } from './context.js';
export { setFateDecider, defaultFate, FATE_CODES, type Fate, type FateDecider } from './lifecycle/index.js';
export type { MessageRow } from './store/messages.js';
