// The inbox's only ways to reach the sandbox: the /_sandbox control API and its event stream.

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

async function call(method, path, body) {
  const init = { method, headers: { accept: 'application/json' } };
  // the sandbox takes changes only in requests no foreign page could send without asking first
  if (method !== 'GET') init.headers['x-sandbox-request'] = '1';
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { message: text };
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

const qs = (params) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
};

export const api = {
  account: () => call('GET', '/_sandbox/account'),
  messages: (params) => call('GET', `/_sandbox/messages${qs(params)}`),
  conversations: (params) => call('GET', `/_sandbox/conversations${qs(params)}`),
  message: (sid) => call('GET', `/_sandbox/messages/${encodeURIComponent(sid)}`),
  deleteMessage: (sid) => call('DELETE', `/_sandbox/messages/${encodeURIComponent(sid)}`),
  clear: () => call('POST', '/_sandbox/messages/clear'),
  settings: () => call('GET', '/_sandbox/settings'),
  saveSettings: (doc) => call('PUT', '/_sandbox/settings', doc),
  resetSettings: () => call('POST', '/_sandbox/settings/reset'),
  inbound: (form) => call('POST', '/_sandbox/inbound', form),
};

/** Subscribes to the push channel; EventSource reconnects by itself after a restart. */
export function listen(onEvent, onState) {
  const source = new EventSource('/_sandbox/events');
  source.onopen = () => onState('live');
  source.onerror = () => onState(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
  for (const type of ['hello', 'message', 'message.deleted', 'webhook', 'number', 'settings', 'reset']) {
    source.addEventListener(type, (e) => {
      let data = {};
      try {
        data = JSON.parse(e.data);
      } catch {
        // a malformed frame is ignored; the next refresh catches up
      }
      onEvent(type, data);
    });
  }
  return source;
}
