// Placeholder: POST /_sandbox/inbound.
import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../context.js';

export function registerInbound(_app: FastifyInstance, _ctx: SandboxContext): void {}
