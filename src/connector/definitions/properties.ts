// apiProperties.json: the Power Platform half of a custom connector (paconn / "Import an OpenAPI
// file" pairs it with the Swagger definition). It declares the connection form, labelled the way
// Twilio's console names the two values.
import { triggerOperations, type PublishOptions } from '../operations.js';
import { BRAND_COLOR } from './info.js';

export type ApiProperties = Record<string, unknown>;

export function buildApiProperties(opts: PublishOptions = {}): ApiProperties {
  // Power Platform shows a connector with "triggers" in the trigger picker, so claim it only
  // when trigger operations are actually published.
  const capabilities = opts.triggers === true && triggerOperations.length > 0 ? ['actions', 'triggers'] : ['actions'];
  return {
    properties: {
      connectionParameters: {
        username: {
          type: 'securestring',
          uiDefinition: {
            displayName: 'Account SID',
            description: 'Your Twilio Account SID (AC…), from the Twilio Console.',
            tooltip: 'Account SID, starting with AC',
            constraints: { tabIndex: 2, clearText: true, required: 'true' },
          },
        },
        password: {
          type: 'securestring',
          uiDefinition: {
            displayName: 'Auth Token',
            description: 'The Auth Token of that account (or an API key secret).',
            tooltip: 'Auth Token',
            constraints: { tabIndex: 3, clearText: false, required: 'true' },
          },
        },
      },
      iconBrandColor: BRAND_COLOR,
      capabilities,
      publisher: 'twilio-connector',
      stackOwner: 'Twilio',
      policyTemplateInstances: [],
    },
  };
}
