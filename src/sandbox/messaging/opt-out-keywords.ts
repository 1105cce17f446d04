// Twilio's SMS opt-out keywords (STOP/START/HELP), the rule that decides whether an inbound body is
// one, and the replies Twilio sends back. Pure: the store and the inbound path decide what a match
// changes. A Messaging Service with Advanced Opt-Out adds its own keywords and replies on top of
// these defaults, which it cannot remove.

export type KeywordKind = 'opt-out' | 'opt-in' | 'help';

/** The `OptOutType` webhook value of each kind. */
export const OPT_OUT_TYPE: Readonly<Record<KeywordKind, 'STOP' | 'START' | 'HELP'>> = {
  'opt-out': 'STOP',
  'opt-in': 'START',
  help: 'HELP',
};

/** Twilio's default lists (REVOKE and OPTOUT joined on 2025-05-14). */
export const DEFAULT_KEYWORDS: Readonly<Record<KeywordKind, readonly string[]>> = {
  'opt-out': ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'],
  'opt-in': ['START', 'YES', 'UNSTOP'],
  help: ['HELP', 'INFO'],
};

/** Twilio's default replies, sent from the number the phone texted. */
export const DEFAULT_REPLIES: Readonly<Record<KeywordKind, string>> = {
  'opt-out':
    'You have successfully been unsubscribed. You will not receive any more messages from this number. Reply START to resubscribe.',
  'opt-in':
    'You have successfully been re-subscribed to messages from this number. Reply HELP for help. Reply STOP to unsubscribe. Msg&Data Rates May Apply.',
  help: 'Reply STOP to unsubscribe. Msg&Data Rates May Apply.',
};

/** A Messaging Service's Advanced Opt-Out: extra keywords and its own replies. */
export interface AdvancedOptOut {
  enabled: boolean;
  opt_out_keywords: string[];
  opt_in_keywords: string[];
  help_keywords: string[];
  opt_out_reply: string;
  opt_in_reply: string;
  help_reply: string;
}

export const ADVANCED_DEFAULTS: Readonly<AdvancedOptOut> = Object.freeze({
  enabled: false,
  opt_out_keywords: [],
  opt_in_keywords: [],
  help_keywords: [],
  opt_out_reply: DEFAULT_REPLIES['opt-out'],
  opt_in_reply: DEFAULT_REPLIES['opt-in'],
  help_reply: DEFAULT_REPLIES.help,
});

/** Stored settings over the defaults (settings saved before a field existed get its default). */
export function advancedFrom(stored: unknown): AdvancedOptOut {
  const fields = typeof stored === 'object' && stored !== null ? (stored as Partial<AdvancedOptOut>) : {};
  return { ...ADVANCED_DEFAULTS, ...fields };
}

/** Twilio accepts no spaces in a keyword; the sandbox also keeps them to letters and digits. */
const KEYWORD = /^[A-Za-z0-9]{1,40}$/;
const MAX_KEYWORDS = 50;
const MAX_REPLY = 1600;

export class AdvancedOptOutError extends Error {}

/**
 * Applies a JSON change to a service's Advanced Opt-Out, checking every field: lists of keywords
 * (letters and digits, no spaces; stored upper case) and non-empty replies.
 */
export function mergeAdvanced(base: AdvancedOptOut, change: unknown): AdvancedOptOut {
  if (typeof change !== 'object' || change === null || Array.isArray(change)) {
    throw new AdvancedOptOutError('Send a JSON object with the Advanced Opt-Out fields');
  }
  const next: AdvancedOptOut = { ...base };
  for (const [key, value] of Object.entries(change as Record<string, unknown>)) {
    switch (key) {
      case 'enabled':
        if (typeof value !== 'boolean') throw new AdvancedOptOutError('enabled must be true or false');
        next.enabled = value;
        break;
      case 'opt_out_keywords':
      case 'opt_in_keywords':
      case 'help_keywords': {
        if (!Array.isArray(value) || value.length > MAX_KEYWORDS) {
          throw new AdvancedOptOutError(`${key} must be a list of at most ${MAX_KEYWORDS} keywords`);
        }
        const words: string[] = [];
        for (const w of value) {
          if (typeof w !== 'string' || !KEYWORD.test(w.trim())) {
            throw new AdvancedOptOutError(
              `${key}: ${JSON.stringify(w)} is not a keyword (one word of letters and digits, no spaces)`,
            );
          }
          words.push(w.trim().toUpperCase());
        }
        next[key] = [...new Set(words)];
        break;
      }
      case 'opt_out_reply':
      case 'opt_in_reply':
      case 'help_reply':
        if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_REPLY) {
          throw new AdvancedOptOutError(`${key} must be text of 1 to ${MAX_REPLY} characters`);
        }
        next[key] = value;
        break;
      default:
        throw new AdvancedOptOutError(`Unknown field ${key}`);
    }
  }
  const seen = new Map<string, KeywordKind>();
  for (const kind of ['opt-out', 'opt-in', 'help'] as const) {
    for (const w of [...DEFAULT_KEYWORDS[kind], ...customKeywords(next, kind)]) {
      const other = seen.get(w);
      if (other !== undefined && other !== kind) {
        throw new AdvancedOptOutError(`${w} cannot be both an ${other} and an ${kind} keyword`);
      }
      seen.set(w, kind);
    }
  }
  return next;
}

function customKeywords(a: AdvancedOptOut, kind: KeywordKind): readonly string[] {
  return kind === 'opt-out' ? a.opt_out_keywords : kind === 'opt-in' ? a.opt_in_keywords : a.help_keywords;
}

/**
 * The keyword an inbound body is, if any: the whole body, trimmed, in any case, must equal one
 * keyword ("Stop" is one, "stop please" and "STOP." are not). Advanced Opt-Out adds the service's
 * keywords when it is enabled.
 */
export function matchKeyword(
  body: string,
  advanced?: AdvancedOptOut,
): { kind: KeywordKind; keyword: string } | undefined {
  const word = body.trim().toUpperCase();
  if (word === '' || /\s/.test(word)) return undefined;
  for (const kind of ['opt-out', 'opt-in', 'help'] as const) {
    const custom = advanced?.enabled === true ? customKeywords(advanced, kind) : [];
    if (DEFAULT_KEYWORDS[kind].includes(word) || custom.includes(word)) return { kind, keyword: word };
  }
  return undefined;
}

/** The reply to a keyword: the service's own with Advanced Opt-Out, Twilio's default otherwise. */
export function replyText(kind: KeywordKind, advanced?: AdvancedOptOut): string {
  if (advanced?.enabled !== true) return DEFAULT_REPLIES[kind];
  return kind === 'opt-out' ? advanced.opt_out_reply : kind === 'opt-in' ? advanced.opt_in_reply : advanced.help_reply;
}

/**
 * Toll-free numbers answer through the carriers' own layer, which nobody can change: its STOP and
 * UNSTOP texts echo the word sent, YES does not undo a toll-free block, and HELP is not theirs.
 */
export function tollFreeReply(kind: KeywordKind, keyword: string): string | undefined {
  const word = keyword.toLowerCase();
  if (kind === 'opt-out') {
    return `NETWORK MSG: You replied with the word "${word}" which blocks all texts sent from this number. Text back "unstop" to receive messages again.`;
  }
  if (kind === 'opt-in' && keyword !== 'YES') {
    return `NETWORK MSG: You have replied "${word}" and will begin receiving messages again from this number.`;
  }
  return undefined;
}
