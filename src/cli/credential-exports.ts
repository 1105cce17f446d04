// The start banners print the sandbox's credentials as shell `export` lines under the same names the
// README's and docs' examples use, so a pasted example works in the shell the lines were pasted into.

/** A word the shell reads back unchanged: bare when it is plainly safe, otherwise single-quoted. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_.:/+@%=,-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

export function credentialExports(accountSid: string, authToken: string): string[] {
  return [`export ACCOUNT_SID=${shellWord(accountSid)}`, `export AUTH_TOKEN=${shellWord(authToken)}`];
}

/** The inbound-text example as JSON: in form data a `+` would arrive as a space. */
export function inboundCurl(sandboxUrl: string, from: string, to: string, login = ''): string[] {
  const body = JSON.stringify({ From: from, To: to, Body: 'Hello' });
  return [
    `curl -s${login} ${sandboxUrl}/_sandbox/inbound -H 'content-type: application/json' \\`,
    `  -d ${shellWord(body)}`,
  ];
}
