// ListIncomingPhoneNumbers, AddIncomingNumber and GetIncomingPhoneNumber: the account's own
// numbers. AddIncomingNumber keeps the managed connector's PascalCase body.
import type { FastifyInstance } from 'fastify';
import { validation } from '../errors.js';
import { action, addPageCounts, asObject, rewritePageLinks, type RouteContext } from './context.js';
import { bodyObject, checkSid, optionalString, paging, single } from './validate.js';

export function registerIncomingPhoneNumbers(app: FastifyInstance, ctx: RouteContext): void {
  action(app, ctx, {
    operation: 'ListIncomingPhoneNumbers',
    method: 'GET',
    path: '/IncomingPhoneNumbers.json',
    handler: async ({ client, query, request, format }) => {
      // PhoneNumber, FriendlyName and Beta were checked (and typed) by the operation's schema
      const out = new URLSearchParams();
      for (const name of ['PhoneNumber', 'FriendlyName', 'Beta'] as const) {
        const v = single(query, name);
        if (v !== undefined && v !== '') out.set(name, v);
      }
      paging(query, out);
      const res = await client.request('GET', '/IncomingPhoneNumbers.json', { query: out });
      const body = rewritePageLinks(asObject(res.body), request, ctx, format);
      return { root: 'IncomingPhoneNumberList', data: addPageCounts(body, 'incoming_phone_numbers', ['num_pages']) };
    },
  });

  action(app, ctx, {
    operation: 'AddIncomingNumber',
    method: 'POST',
    path: '/IncomingPhoneNumbers.json',
    handler: async ({ client, request }) => {
      // the AddIncomingPhoneNumberRequest schema checked the fields and that one of PhoneNumber / AreaCode is there
      const body = bodyObject(request.body);
      const text = (name: string): string | undefined => {
        const v = optionalString(body, name, 64);
        return v === '' ? undefined : v;
      };
      const form = { PhoneNumber: text('PhoneNumber'), AreaCode: text('AreaCode'), FriendlyName: text('FriendlyName') };
      if (form.PhoneNumber === undefined && form.AreaCode === undefined) {
        throw validation('Field PhoneNumber is required (or AreaCode, to take any number in that area code)');
      }
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
