// GET /docs: a self-contained HTML reference of the connector (no CDN: it must work offline), with
// a "try it" form per operation that calls the connector from the browser with fetch.
import { publishedOperations, type OperationSpec, type ParameterSpec, type PublishOptions } from '../operations.js';
import type { JsonSchema } from '../schemas/common.js';
import { ERROR_CATALOG } from '../errors.js';
import { models } from '../schemas/models.js';
import { CONNECTOR_DESCRIPTION, CONNECTOR_VERSION } from './info.js';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const e = escapeHtml;

function paramRow(p: ParameterSpec): string {
  const rules = [
    p.pattern === undefined ? '' : `pattern <code>${e(p.pattern)}</code>`,
    p.enum === undefined ? '' : `one of ${p.enum.map((v) => `<code>${e(v)}</code>`).join(', ')}`,
    p.minimum === undefined ? '' : `≥ ${p.minimum}`,
    p.maximum === undefined ? '' : `≤ ${p.maximum}`,
    p.maxLength === undefined ? '' : `≤ ${p.maxLength} chars`,
    p.default === undefined ? '' : `default <code>${e(String(p.default))}</code>`,
  ].filter((r) => r !== '');
  return (
    `<tr><td><code>${e(p.name)}</code>${p.required === true || p.in === 'path' ? ' <b>*</b>' : ''}</td>` +
    `<td>${p.in}</td><td>${p.type}</td><td>${e(p.summary)}</td><td>${e(p.description)}` +
    (rules.length > 0 ? `<br><small>${rules.join(' · ')}</small>` : '') +
    `${p.visibility === undefined ? '' : ` <small class="vis">${p.visibility}</small>`}</td></tr>`
  );
}

function modelTable(name: string, schema: JsonSchema): string {
  const props = (schema['properties'] ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((schema['required'] ?? []) as string[]);
  const rows = Object.entries(props)
    .map(([prop, s]) => {
      const ref = typeof s['$ref'] === 'string' ? s['$ref'].replace('#/definitions/', '') : undefined;
      const items = s['items'] as Record<string, unknown> | undefined;
      const itemRef = typeof items?.['$ref'] === 'string' ? items['$ref'].replace('#/definitions/', '') : undefined;
      const type =
        ref !== undefined
          ? `<a href="#model-${e(ref)}">${e(ref)}</a>`
          : itemRef !== undefined
            ? `array of <a href="#model-${e(itemRef)}">${e(itemRef)}</a>`
            : `${e(String(s['type'] ?? 'any'))}${s['x-nullable'] === true ? ' | null' : ''}`;
      return `<tr><td><code>${e(prop)}</code>${required.has(prop) ? ' <b>*</b>' : ''}</td><td>${type}</td><td>${e(
        String(s['description'] ?? s['x-ms-summary'] ?? ''),
      )}</td></tr>`;
    })
    .join('');
  return (
    `<section class="model" id="model-${e(name)}"><h3>${e(name)}</h3><p>${e(String(schema['description'] ?? ''))}</p>` +
    `<table><tr><th>field</th><th>type</th><th>description</th></tr>${rows}</table></section>`
  );
}

function errorTable(): string {
  const rows = Object.entries(ERROR_CATALOG)
    .map(([code, c]) => `<tr><td><code>${e(code)}</code></td><td>${c.status}</td><td>${e(c.summary)}</td></tr>`)
    .join('');
  return `<h2 id="errors">Error codes</h2><p>Every error answers with an <a href="#model-ErrorEnvelope">ErrorEnvelope</a>; match on <code>error.code</code>.</p><table><tr><th>code</th><th>status</th><th>meaning</th></tr>${rows}</table>`;
}

function tryForm(op: OperationSpec): string {
  const inputs = op.parameters
    .filter((p) => p.visibility !== 'internal')
    .map(
      (p) =>
        `<label>${e(p.name)} <input data-in="${p.in}" name="${e(p.name)}" value="${e(String(p.example ?? ''))}" placeholder="${e(p.summary)}"></label>`,
    )
    .join('');
  const body =
    op.body === undefined
      ? ''
      : `<label>body (JSON)<textarea name="__body" rows="5">${e(JSON.stringify(op.body.example ?? {}, null, 2))}</textarea></label>`;
  return (
    `<form class="try" data-method="${op.method.toUpperCase()}" data-path="${e(op.path)}">` +
    `${inputs}${body}<button type="submit">Send ${op.method.toUpperCase()}</button><pre class="out" hidden></pre></form>`
  );
}

function operationSection(op: OperationSpec): string {
  const responses = Object.entries(op.responses)
    .map(
      ([status, r]) =>
        `<li><code>${e(status)}</code> ${e(r.description)}${r.model === undefined ? '' : ` → <a href="#model-${e(r.model)}">${e(r.model)}</a>`}</li>`,
    )
    .join('');
  const params =
    op.parameters.length === 0
      ? ''
      : `<table><tr><th>name</th><th>in</th><th>type</th><th>label</th><th>description</th></tr>${op.parameters.map(paramRow).join('')}</table>`;
  const body =
    op.body === undefined
      ? ''
      : `<p>Body: <a href="#model-${e(op.body.model)}">${e(op.body.model)}</a> (JSON). Example:</p><pre>${e(JSON.stringify(op.body.example ?? {}, null, 2))}</pre>`;
  return (
    `<section class="op" id="op-${e(op.operationId)}"><h2><span class="m ${op.method}">${op.method.toUpperCase()}</span> <code>${e(op.path)}</code></h2>` +
    `<p><b>${e(op.summary)}</b> — operationId <code>${e(op.operationId)}</code>${op.trigger === undefined ? '' : ` (trigger, ${op.trigger.mode})`}</p>` +
    `<p>${e(op.description)}</p>${params}${body}<details><summary>Responses</summary><ul>${responses}</ul></details>` +
    `<details><summary>Try it</summary>${tryForm(op)}</details></section>`
  );
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1f2328;display:flex}
nav{width:260px;flex:none;height:100vh;overflow:auto;position:sticky;top:0;background:#f6f8fa;padding:1em;box-sizing:border-box;border-right:1px solid #d0d7de}
nav a{display:block;color:#0969da;text-decoration:none;font-size:14px;padding:2px 0}
main{padding:1em 2em;max-width:1000px}h1{color:#F22F46}
table{border-collapse:collapse;width:100%;margin:.5em 0}td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
code,pre{font-family:ui-monospace,monospace;font-size:13px}pre{background:#f6f8fa;padding:.5em;overflow:auto}
.op{border-top:2px solid #d0d7de;margin-top:1.5em}.m{color:#fff;padding:2px 6px;border-radius:4px;font-size:13px}
.get{background:#1a7f37}.post{background:#0969da}.delete{background:#cf222e}.vis{color:#6e7781}
.try label{display:block;margin:.3em 0}.try input{width:60%}.try textarea{width:100%}
#auth{background:#fff8c5;padding:.5em 1em;border:1px solid #d4a72c}`;

const SCRIPT = `(() => {
  const auth = () => {
    const u = document.getElementById('sid').value, p = document.getElementById('token').value;
    return u ? { authorization: 'Basic ' + btoa(u + ':' + p) } : {};
  };
  for (const form of document.querySelectorAll('form.try')) {
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      let path = form.dataset.path;
      const query = new URLSearchParams();
      const headers = { accept: 'application/json', ...auth() };
      for (const input of form.querySelectorAll('input')) {
        if (input.value === '') continue;
        if (input.dataset.in === 'path') path = path.replace('{' + input.name + '}', encodeURIComponent(input.value));
        else if (input.dataset.in === 'header') headers[input.name.toLowerCase()] = input.value;
        else query.append(input.name, input.value);
      }
      const init = { method: form.dataset.method, headers };
      const ta = form.querySelector('textarea');
      if (ta) { init.body = ta.value; init.headers['content-type'] = 'application/json'; }
      const out = form.querySelector('.out');
      out.hidden = false;
      out.textContent = '…';
      try {
        const base = location.pathname.replace(/\\/docs\\/?$/, '');
        const res = await fetch(base + path + (query.size ? '?' + query : ''), init);
        const text = await res.text();
        let shown = text;
        try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch {}
        out.textContent = res.status + ' ' + res.statusText + '\\n\\n' + shown;
      } catch (err) {
        out.textContent = String(err);
      }
    });
  }
})();`;

export function renderDocsPage(opts: PublishOptions = {}): string {
  const ops = publishedOperations(opts);
  const nav =
    ops.map((op) => `<a href="#op-${e(op.operationId)}">${e(op.summary)}</a>`).join('') +
    '<hr><a href="#errors">Error codes</a><hr>' +
    Object.keys(models)
      .map((m) => `<a href="#model-${e(m)}">${e(m)}</a>`)
      .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Twilio connector — API reference</title><style>${STYLE}</style></head>
<body><nav><b>Operations</b>${nav}</nav><main>
<h1>Twilio connector <small>${e(CONNECTOR_VERSION)}</small></h1>
<p>${e(CONNECTOR_DESCRIPTION)}</p>
<p>Definitions: <a href="swagger.json">swagger.json</a> (Swagger 2.0, Power Platform) ·
<a href="openapi.json">openapi.json</a> (OpenAPI 3.1). Every call uses HTTP Basic auth: Account SID as user name,
Auth Token as password. Errors have one shape: <a href="#model-ErrorEnvelope">ErrorEnvelope</a>; match on <code>error.code</code>.</p>
<div id="auth"><b>Try it</b> — credentials used by the forms below (kept in this page only):
<label>Account SID <input id="sid" autocomplete="off"></label>
<label>Auth Token <input id="token" type="password" autocomplete="off"></label></div>
${ops.map(operationSection).join('\n')}
${errorTable()}
<h2 id="models">Models</h2>
${Object.entries(models)
  .map(([name, s]) => modelTable(name, s))
  .join('\n')}
</main><script>${SCRIPT}</script></body></html>`;
}
