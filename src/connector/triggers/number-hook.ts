// The part of a subscription that listens on a number's SmsUrl (received messages, opt-outs): which
// number the caller means, and pointing its SmsUrl at the connector while remembering what it was,
// so the last unsubscribe of that number can put it back.
import type { Subscription } from '../../store/index.js';
import type { IncomingPhoneNumber } from '../../twilio/index.js';
import { fromUpstream, validation } from '../errors.js';
import type { TriggerClient, TriggerContext } from './context.js';

const E164 = /^\+[1-9]\d{1,14}$/;

/** Reads the optional `to` field: a number in E.164 form, or nothing. */
export function wantedNumber(raw: unknown): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string' || !E164.test(raw)) {
    throw validation('Field to must be one of your Twilio numbers in E.164 form, e.g. +14155550123');
  }
  return raw;
}

/** The account's number `to`, or without it the account's only number. */
export async function findNumber(client: TriggerClient, to: string | undefined): Promise<IncomingPhoneNumber> {
  try {
    if (to !== undefined) {
      const number = (await client.incomingPhoneNumbers.list({ PhoneNumber: to, PageSize: 20 })).items.find(
        (n) => n.phone_number === to,
      );
      if (number === undefined) throw validation(`Field to: ${to} is not one of this account’s phone numbers`);
      return number;
    }
    // without `to`, an account with a single number means that number
    const page = await client.incomingPhoneNumbers.list({ PageSize: 2 });
    if (page.items.length !== 1) {
      throw validation(
        page.items.length === 0
          ? 'This account has no phone numbers to receive messages on'
          : 'Field to is required when the account has several numbers: which one should be watched?',
      );
    }
    return page.items[0]!;
  } catch (err) {
    throw fromUpstream(err);
  }
}

/**
 * Stores `sub` and points the number's SmsUrl at `hookUrl` (remembering the previous one first);
 * when Twilio refuses the change the subscription is removed again.
 */
export async function attachToNumber(
  ctx: TriggerContext,
  client: TriggerClient,
  sub: Subscription,
  number: IncomingPhoneNumber,
  hookUrl: string,
): Promise<void> {
  if (number.sms_url !== hookUrl) {
    await ctx.store.saveNumberHook(
      {
        account_sid: sub.account_sid,
        number_sid: number.sid,
        phone_number: number.phone_number,
        previous_sms_url: number.sms_url ?? '',
        previous_sms_method: number.sms_method,
      },
      Date.now(),
    );
  }
  await ctx.store.createSubscription(sub);
  try {
    await pointNumber(client, number, hookUrl);
  } catch (err) {
    await ctx.store.deleteSubscription(sub.id);
    throw err;
  }
}

/** Points the number's SmsUrl at `hookUrl` unless it already is (a subscription reused after someone changed it). */
export async function pointNumber(client: TriggerClient, number: IncomingPhoneNumber, hookUrl: string): Promise<void> {
  try {
    if (number.sms_url !== hookUrl || number.sms_method !== 'POST') {
      await client.incomingPhoneNumbers.update(number.sid, { SmsUrl: hookUrl, SmsMethod: 'POST' });
    }
  } catch (err) {
    throw fromUpstream(err);
  }
}
