// The connector's durable state behind one interface: SQLite by default, PostgreSQL when several
// connector instances share it. Everything here is async so both backends fit.

export type IdempotencyClaim =
  | { state: 'new' }
  | { state: 'in-flight'; requestHash: string }
  | { state: 'done'; requestHash: string; status: number; body: string; contentType: string };

export interface IdempotencyStore {
  /** Atomically claims `key` in `scope` (the connection) for a request body hash, or reports who has it. */
  claimIdempotencyKey(scope: string, key: string, requestHash: string, ttlMs: number): Promise<IdempotencyClaim>;
  /** Stores the response of the first request so repeats get it back. */
  completeIdempotencyKey(scope: string, key: string, status: number, body: string, contentType: string): Promise<void>;
  /** Forgets an in-flight claim whose request was surely not processed upstream, so a retry may send. */
  releaseIdempotencyKey(scope: string, key: string): Promise<void>;
}

export interface ConnectorStore extends IdempotencyStore {
  readonly kind: 'sqlite' | 'postgres';
  close(): Promise<void>;
}
