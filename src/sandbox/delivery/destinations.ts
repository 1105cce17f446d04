// How many deliveries may wait on one receiver at once. The dispatcher has a fixed number of requests
// in flight; without a share per receiver, one that accepts connections and never answers (a webhook
// app that hangs, an Event Streams sink gone quiet) holds every slot until each request times out,
// and every other account's webhooks wait behind it. A receiver is its origin (scheme, host, port):
// what one server behind one address answers for.

/**
 * Requests one receiver may have in flight, of the dispatcher's 32: most of them, since one app
 * receiving every webhook is the usual set-up (a share of 8 halved its inbound webhook rate), while
 * the 8 left over keep everyone else moving beside a receiver that hangs.
 */
export const MAX_PER_DESTINATION = 24;

/** The receiver a webhook URL reaches; the URL itself when it does not parse (its send will fail). */
export function destinationOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return url;
  }
}

/** Counts requests in flight per receiver. */
export class DestinationSlots {
  private readonly max: number;
  private readonly used = new Map<string, number>();

  constructor(max: number = MAX_PER_DESTINATION) {
    this.max = max;
  }

  /** Takes a slot for `destination`; false when it already has `max` requests in flight. */
  take(destination: string): boolean {
    const n = this.used.get(destination) ?? 0;
    if (n >= this.max) return false;
    this.used.set(destination, n + 1);
    return true;
  }

  give(destination: string): void {
    const n = (this.used.get(destination) ?? 0) - 1;
    if (n > 0) this.used.set(destination, n);
    else this.used.delete(destination);
  }
}
