// The error to reject with when a caller's AbortSignal fires: its own reason when that is an Error.

export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException('This operation was aborted', 'AbortError');
}
