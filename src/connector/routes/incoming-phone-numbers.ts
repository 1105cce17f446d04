// ListIncomingPhoneNumbers, AddIncomingNumber and GetIncomingPhoneNumber: the account's own
// numbers. AddIncomingNumber keeps the managed connector's PascalCase body.
import type { FastifyInstance } from 'fastify';
import { validation } from '../errors.js';
import { action, asObject, rewritePageLinks, type RouteContext } from './context.js';
import { E164, bodyObject, boolParam, checkSid, optionalString, paging, single, truncate } from './validate.js';

export function registerIncomingPhoneNumbers(app: FastifyInstance, ctx: RouteContext): void {
  action(app, ctx, {
    operation: 'ListIncomingPhoneNumbers',
    method: 'GET',
    path: '/IncomingPhoneNumbers.json',
    handler: async ({ client, query, request, format }) => {
      const out = new URLSearchParams();
      for (const name of ['PhoneNumber', 'FriendlyName'] as const) {
        const v = single(query, name);
        if (v !== undefined && v !== '') {
          if (v.length > 64) throw validation(`Query parameter ${name} must be at most 64 characters`);
          out.set(name, v);
        }
      }
      const beta = single(query, 'Beta');
      if (beta !== undefined && beta !== '') out.set('Beta', boolParam(beta, 'Beta'));
      paging(query, out);
      const res = await client.request('GET', '/IncomingPhoneNumbers.json', { query: out });
      return { root: 'IncomingPhoneNumberList', data: rewritePageLinks(asObject(res.body), request, ctx, format) };
    },
  });

  action(app, ctx, {
    operation: 'AddIncomingNumber',
    method: 'POST',
    path: '/IncomingPhoneNumbers.json',
    handler: async ({ client, request }) => {
      const body = bodyObject(request.body);
      const phone = optionalString(body, 'PhoneNumber', 40);
      const areaCode = optionalString(body, 'AreaCode', 10);
      const friendly = optionalString(body, 'FriendlyName', 64);
      if ((phone === undefined || phone === '') && (areaCode === undefined || areaCode === '')) {
        throw validation('Field PhoneNumber is required (or AreaCode, to take any number in that area code)');
      }
      if (phone !== undefined && phone !== '' && !E164.test(phone)) {
        throw validation(`Field PhoneNumber must be an E.164 number such as +14155550123, got "${truncate(phone)}"`);
      }
      if (areaCode !== undefined && areaCode !== '' && !/^\d{3}$/.test(areaCode)) {
        throw validation(`Field AreaCode must be 3 digits, got "${truncate(areaCode)}"`);
      }
      const form = {
        PhoneNumber: phone === '' ? undefined : phone,
        AreaCode: areaCode === '' ? undefined : areaCode,
        FriendlyName: friendly === '' ? undefined : friendly,
      };
      const res = await client.request('POST', '/IncomingPhoneNumbers.json', { form });
      return { root: 'IncomingPhoneNumber', data: res.body };
    },
  });

  action(app, ctx, {
    operation: 'GetIncomingPhoneNumber',
    method: 'GET',
    path: '/IncomingPhoneNumbers/:IncomingPhoneNumberSid.json',
    handler: async ({ client, params }) => {
      const sid = checkSid(params['IncomingPhoneNumberSid'] ?? '', 'PN', 'Path parameter IncomingPhoneNumberSid');
      const res = await client.request('GET', `/IncomingPhoneNumbers/${sid}.json`);
      return { root: 'IncomingPhoneNumber', data: res.body };
    },
  });
}
