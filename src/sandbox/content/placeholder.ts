// The one pattern for `{{key}}` placeholders in template text. Spaces around the key are trimmed
// after the match rather than inside the pattern: a pattern with optional spaces on both sides of a
// lazy group backtracks cubically on an unclosed `{{` followed by spaces, which let one template
// stall the whole sandbox.
export const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

/** The key inside a matched placeholder, without surrounding spaces. */
export const placeholderKey = (inner: string): string => inner.trim();
