// Placeholder: the inbox web UI served at /.
import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../context.js';

export function registerUi(_app: FastifyInstance, _ctx: SandboxContext): void {}
