// The definitions describe the Event Streams modes exactly as the routes accept them: `mode` on the
// received trigger, `scope` on the status trigger, and both in the Subscription answer, in the
// Swagger 2.0 and OpenAPI 3.1 documents alike.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildOpenApi } from '../../src/connector/definitions/openapi.js';
import { buildSwagger } from '../../src/connector/definitions/swagger.js';

const swagger: any = buildSwagger(
  { host: 'connector.example.com', basePath: '/', scheme: 'https' },
  { triggers: true },
);
const openapi: any = buildOpenApi(undefined, { triggers: true });

describe('definitions: Event Streams trigger modes', () => {
  for (const [name, models] of [
    ['Swagger 2.0', swagger.definitions],
    ['OpenAPI 3.1', openapi.components?.schemas],
  ] as const) {
    it(`${name}: mode, scope and the Subscription answer`, () => {
      assert.ok(models, `${name} has models`);
      assert.deepEqual(models.MessageReceivedSubscription.properties.mode.enum, ['sms-url', 'event-streams']);
      assert.equal(models.MessageReceivedSubscription.properties.mode.default, 'sms-url');
      assert.deepEqual(models.MessageStatusSubscription.properties.scope.enum, ['connector', 'account']);
      assert.equal(models.MessageStatusSubscription.properties.scope.default, 'connector');
      assert.deepEqual(models.Subscription.properties.mode.enum, ['sms-url', 'event-streams']);
      assert.deepEqual(models.Subscription.properties.scope.enum, ['connector', 'account']);
    });
  }

  it('keeps the received trigger a Logic Apps webhook trigger with its notification URL', () => {
    const op = swagger.paths['/subscriptions/messages/received'].post;
    assert.equal(op['x-ms-trigger'], 'single');
    const status = swagger.paths['/subscriptions/messages/status'].post;
    assert.match(status.description, /scope account/);
  });
});
