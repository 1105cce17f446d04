// Placeholder: Messaging Services (/v1/Services) on the messaging.twilio.com side.
import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from './context.js';

export function registerServices(_app: FastifyInstance, _ctx: SandboxContext): void {}
