// Reads a Messaging TwiML reply: <Response> holding <Message> verbs (text, or <Body> and up to ten
// <Media>) and optionally a <Redirect>, after which nothing is read. Errors carry Twilio's codes:
// 12100 when the document is not XML, 12102 when its root is not <Response>.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface TwimlMessage {
  body: string;
  media: string[];
  to: string | undefined;
  from: string | undefined;
  /** status callback URL of the reply */
  action: string | undefined;
  method: string | undefined;
}

export interface TwimlRedirect {
  url: string;
  method: string | undefined;
}

export type TwimlResult =
  | { ok: true; messages: TwimlMessage[]; redirect: TwimlRedirect | undefined }
  | { ok: false; code: 12100 | 12102; error: string };

const MAX_MEDIA = 10;

type Node = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
});

function tagOf(node: Node): string | undefined {
  return Object.keys(node).find((k) => k !== ':@');
}

function childrenOf(node: Node, tag: string): Node[] {
  const value = node[tag];
  return Array.isArray(value) ? (value as Node[]) : [];
}

function textOf(nodes: Node[]): string {
  let text = '';
  for (const n of nodes) {
    const t = n['#text'];
    if (typeof t === 'string' || typeof t === 'number') text += String(t);
  }
  return text;
}

function attr(node: Node, name: string): string | undefined {
  const v = node[':@']?.[name];
  return v === undefined || v === '' ? undefined : v;
}

function readMessage(node: Node): TwimlMessage {
  const children = childrenOf(node, 'Message');
  let body = textOf(children);
  const media: string[] = [];
  for (const child of children) {
    const tag = tagOf(child);
    if (tag === 'Body') body += textOf(childrenOf(child, 'Body'));
    else if (tag === 'Media' && media.length < MAX_MEDIA) {
      const url = textOf(childrenOf(child, 'Media')).trim();
      if (url !== '') media.push(url);
    }
  }
  return {
    body,
    media,
    to: attr(node, 'to'),
    from: attr(node, 'from'),
    action: attr(node, 'action') ?? attr(node, 'statusCallback'),
    method: attr(node, 'method'),
  };
}

export function parseTwiml(text: string): TwimlResult {
  // An empty answer means "no reply", like an empty <Response/>.
  if (text.trim() === '') return { ok: true, messages: [], redirect: undefined };
  // The parser alone is lenient (it reads plain text as a text node); the validator bundled with it
  // tells a broken document apart without another dependency.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    return { ok: false, code: 12100, error: `Document parse failure: ${valid.err.msg} (line ${valid.err.line})` };
  }
  let nodes: Node[];
  try {
    nodes = parser.parse(text) as Node[];
  } catch (err) {
    return { ok: false, code: 12100, error: `Document parse failure: ${err instanceof Error ? err.message : ''}` };
  }
  const roots = nodes.filter((n) => {
    const tag = tagOf(n);
    return tag !== undefined && !tag.startsWith('?') && tag !== '#text';
  });
  const root = roots[0];
  const rootTag = root ? tagOf(root) : undefined;
  if (!root || rootTag !== 'Response' || roots.length > 1) {
    return { ok: false, code: 12102, error: `Invalid root element: expected <Response>, got <${rootTag ?? ''}>` };
  }
  const messages: TwimlMessage[] = [];
  for (const verb of childrenOf(root, 'Response')) {
    const tag = tagOf(verb);
    if (tag === 'Message') messages.push(readMessage(verb));
    else if (tag === 'Redirect') {
      const url = textOf(childrenOf(verb, 'Redirect')).trim();
      if (url !== '') return { ok: true, messages, redirect: { url, method: attr(verb, 'method') } };
    }
  }
  return { ok: true, messages, redirect: undefined };
}
