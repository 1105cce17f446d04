// Versioned schema of the sandbox database. Each entry upgrades from the previous version; the
// current version lives in PRAGMA user_version. Never edit a shipped migration: append a new one.
// All times are integer milliseconds since the epoch (UTC).

export const MIGRATIONS: readonly string[] = [
  /* 1 */ `
  CREATE TABLE accounts (
    sid TEXT PRIMARY KEY,
    auth_token TEXT NOT NULL,
    friendly_name TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active',
    type TEXT NOT NULL DEFAULT 'Full',
    date_created INTEGER NOT NULL,
    date_updated INTEGER NOT NULL
  );

  CREATE TABLE api_keys (
    sid TEXT PRIMARY KEY,
    account_sid TEXT NOT NULL REFERENCES accounts(sid) ON DELETE CASCADE,
    secret TEXT NOT NULL,
    friendly_name TEXT NOT NULL,
    date_created INTEGER NOT NULL,
    date_updated INTEGER NOT NULL
  );

  -- seq orders every list newest first and backs the PA/PB page tokens.
  CREATE TABLE messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    sid TEXT NOT NULL UNIQUE,
    account_sid TEXT NOT NULL,
    to_addr TEXT NOT NULL,
    from_addr TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    direction TEXT NOT NULL,
    num_segments INTEGER NOT NULL,
    num_media INTEGER NOT NULL DEFAULT 0,
    encoding TEXT NOT NULL DEFAULT 'GSM-7',
    price TEXT,
    price_unit TEXT NOT NULL DEFAULT 'USD',
    error_code INTEGER,
    error_message TEXT,
    messaging_service_sid TEXT,
    status_callback TEXT,
    application_sid TEXT,
    validity_period INTEGER,
    send_at INTEGER,
    date_created INTEGER NOT NULL,
    date_updated INTEGER NOT NULL,
    date_sent INTEGER,
    -- when the lifecycle moves this message next (NULL: final or waiting for nothing)
    next_at INTEGER,
    -- the status it moves to at next_at, and its planned fate (e.g. 'delivered', 'undelivered:30003')
    next_status TEXT,
    fate TEXT,
    extra TEXT NOT NULL DEFAULT '{}'
  );
  CREATE INDEX messages_account ON messages(account_sid, seq);
  CREATE INDEX messages_to ON messages(account_sid, to_addr, seq);
  CREATE INDEX messages_from ON messages(account_sid, from_addr, seq);
  CREATE INDEX messages_date_sent ON messages(account_sid, date_sent);
  CREATE INDEX messages_next ON messages(next_at) WHERE next_at IS NOT NULL;

  CREATE TABLE media (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    sid TEXT NOT NULL UNIQUE,
    account_sid TEXT NOT NULL,
    message_sid TEXT NOT NULL REFERENCES messages(sid) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    url TEXT NOT NULL,
    date_created INTEGER NOT NULL,
    date_updated INTEGER NOT NULL
  );
  CREATE INDEX media_message ON media(message_sid, seq);

  -- status history of each message, for the inbox timeline
  CREATE TABLE message_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_sid TEXT NOT NULL REFERENCES messages(sid) ON DELETE CASCADE,
    status TEXT NOT NULL,
    error_code INTEGER,
    at INTEGER NOT NULL
  );
  CREATE INDEX message_events_message ON message_events(message_sid, id);

  -- every webhook the sandbox sends (inbound SMS, status callbacks): durable outbox and log
  CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_sid TEXT NOT NULL,
    message_sid TEXT,
    kind TEXT NOT NULL,
    url TEXT NOT NULL,
    method TEXT NOT NULL,
    params TEXT NOT NULL,
    signature TEXT NOT NULL,
    idempotency_token TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    response_status INTEGER,
    response_body TEXT,
    duration_ms INTEGER,
    error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX webhooks_message ON webhooks(message_sid, id);
  CREATE INDEX webhooks_due ON webhooks(next_attempt_at) WHERE state = 'pending';

  CREATE TABLE incoming_numbers (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    sid TEXT NOT NULL UNIQUE,
    account_sid TEXT NOT NULL,
    phone_number TEXT NOT NULL UNIQUE,
    friendly_name TEXT NOT NULL,
    type TEXT NOT NULL DEFAULT 'local',
    iso_country TEXT NOT NULL DEFAULT 'US',
    capabilities TEXT NOT NULL,
    sms_url TEXT NOT NULL DEFAULT '',
    sms_method TEXT NOT NULL DEFAULT 'POST',
    sms_fallback_url TEXT NOT NULL DEFAULT '',
    sms_fallback_method TEXT NOT NULL DEFAULT 'POST',
    status_callback TEXT NOT NULL DEFAULT '',
    status_callback_method TEXT NOT NULL DEFAULT 'POST',
    date_created INTEGER NOT NULL,
    date_updated INTEGER NOT NULL,
    -- every other writable field (voice_url, sms_application_sid, ...), as JSON
    extra TEXT NOT NULL DEFAULT '{}'
  );
  CREATE INDEX incoming_numbers_account ON incoming_numbers(account_sid, seq);

  CREATE TABLE services (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    sid TEXT NOT NULL UNIQUE,
    account_sid TEXT NOT NULL,
    friendly_name TEXT NOT NULL,
    inbound_request_url TEXT,
    inbound_method TEXT NOT NULL DEFAULT 'POST',
    fallback_url TEXT,
    status_callback TEXT,
    date_created INTEGER NOT NULL,
    date_updated INTEGER NOT NULL,
    extra TEXT NOT NULL DEFAULT '{}'
  );

  CREATE TABLE service_numbers (
    service_sid TEXT NOT NULL REFERENCES services(sid) ON DELETE CASCADE,
    number_sid TEXT NOT NULL REFERENCES incoming_numbers(sid) ON DELETE CASCADE,
    date_created INTEGER NOT NULL,
    PRIMARY KEY (service_sid, number_sid)
  );

  -- runtime settings (realism, chaos, retention) that survive restarts
  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  /* 2 */ `
  -- Message lists in seq order test date_sent inside the index; To+From filters get their own
  -- range. Replaces messages_account, a prefix of the new one.
  DROP INDEX IF EXISTS messages_account;
  CREATE INDEX messages_account_sent ON messages(account_sid, seq, date_sent);
  CREATE INDEX messages_to_from ON messages(account_sid, to_addr, from_addr, seq);
  CREATE INDEX media_account ON media(account_sid, seq);
  CREATE INDEX services_account ON services(account_sid, seq);
  CREATE INDEX service_numbers_number ON service_numbers(number_sid);
  `,
  /* 3 */ `
  -- the inbox's conversations and threads: with messages_to_from, a covering seek per
  -- (number, counterpart) pair in both directions
  CREATE INDEX messages_from_to ON messages(account_sid, from_addr, to_addr, seq);
  `,
  /* 4 */ `
  -- usage records: one range scan per page aggregates messages by day, covered by the index
  CREATE INDEX messages_usage ON messages(account_sid, date_created, direction, num_media, num_segments, price, status);
  `,
  /* 5 */ `
  -- Two address indexes instead of four. Every message lands at a random place in each index led
  -- by its recipient, and each such place is a page written at commit: (to, from) and (from, to)
  -- cost two of those per message. With the other address at the end of the remaining two, a
  -- To+From filter or a thread between two numbers is still answered from one index, in seq
  -- order, by scanning one side's entries: callers pick the side with fewer messages.
  DROP INDEX IF EXISTS messages_to_from;
  DROP INDEX IF EXISTS messages_from_to;
  DROP INDEX IF EXISTS messages_to;
  DROP INDEX IF EXISTS messages_from;
  CREATE INDEX messages_to ON messages(account_sid, to_addr, seq, from_addr);
  CREATE INDEX messages_from ON messages(account_sid, from_addr, seq, to_addr);
  `,
  /* 6 */ `
  -- The status history moves into the message row: one append in the UPDATE each step makes
  -- anyway, instead of a row in message_events (an index keyed by the message SID, a foreign-key
  -- check) per step. Entries are 'status@ms' or 'status@ms!code', separated by spaces.
  ALTER TABLE messages ADD COLUMN timeline TEXT NOT NULL DEFAULT '';
  UPDATE messages SET timeline = COALESCE(
    (SELECT group_concat(e.status || '@' || e.at || COALESCE('!' || e.error_code, ''), ' ' ORDER BY e.id)
       FROM message_events e WHERE e.message_sid = messages.sid),
    '');
  DROP TABLE message_events;
  `,
  /* 7 */ `
  -- The date index holds sent messages only: every new message arrives with no date_sent, and an
  -- entry for it cost an index insert at create and a delete when it was sent. Date filters
  -- always ask for date_sent IS NOT NULL, so they read the same entries as before.
  DROP INDEX IF EXISTS messages_date_sent;
  CREATE INDEX messages_date_sent ON messages(account_sid, date_sent) WHERE date_sent IS NOT NULL;
  `,
  /* 8 */ `
  -- Lists in seq order need (account_sid, seq) only: date filters read the date index. With
  -- date_sent inside it, every message's entry was rewritten when it was sent.
  DROP INDEX IF EXISTS messages_account_sent;
  CREATE INDEX messages_account ON messages(account_sid, seq);
  `,
  /* 9 */ `
  -- A message whose whole course is known when it is created is written once, in its final state,
  -- with every step in its timeline: settles_at is when it reaches that state (NULL for messages
  -- the lifecycle moves step by step). Until then readers show it as it stands at their time.
  -- The index finds the ones still on their way when the sandbox starts (their steps are announced).
  ALTER TABLE messages ADD COLUMN settles_at INTEGER;
  CREATE INDEX messages_settling ON messages(settles_at) WHERE settles_at IS NOT NULL;
  `,
  /* 10 */ `
  -- Every message is one row in its current state, moved by the lifecycle: messages written once
  -- in their final state and read as of a time are gone. A row stored that way and still on its
  -- way simply shows its final state from now on.
  DROP INDEX IF EXISTS messages_settling;
  ALTER TABLE messages DROP COLUMN settles_at;
  `,
  /* 11 */ `
  -- The usage index without status: every step of the lifecycle changes the status, and each change
  -- moved the message's entry in this index. Now only the step to 'sent' does (it sets the price).
  -- Usage reads the status from the row only for messages without a price.
  DROP INDEX IF EXISTS messages_usage;
  CREATE INDEX messages_usage ON messages(account_sid, date_created, direction, num_media, num_segments, price);
  `,
  /* 12 */ `
  -- Opt-out block list: a phone that texted STOP (or was opted out by hand) is blocked from one
  -- sender, a phone number or, for numbers in a Messaging Service, the whole service (MG…).
  CREATE TABLE opt_outs (
    account_sid TEXT NOT NULL,
    sender TEXT NOT NULL,
    phone_number TEXT NOT NULL,
    keyword TEXT,
    message_sid TEXT,
    date_created INTEGER NOT NULL,
    PRIMARY KEY (account_sid, sender, phone_number)
  );
  -- every send asks whether its recipient has any block at all
  CREATE INDEX opt_outs_phone ON opt_outs(account_sid, phone_number);
  -- a Messaging Service's Advanced Opt-Out (keywords and replies), as JSON; set through the
  -- sandbox's control API only, as Twilio offers it in its Console only
  CREATE TABLE service_opt_out (
    service_sid TEXT PRIMARY KEY REFERENCES services(sid) ON DELETE CASCADE,
    config TEXT NOT NULL
  );
  `,
  /* 13 */ `
  -- Event Streams (events.twilio.com /v1): sinks, their subscriptions and the event types each
  -- subscription selects. Deliveries go through the webhook outbox as kind 'event': body holds the
  -- CloudEvents JSON exactly as sent (the signature covers its SHA-256), sink_sid the sink it went to.
  CREATE TABLE sinks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    sid TEXT NOT NULL UNIQUE,
    account_sid TEXT NOT NULL,
    description TEXT NOT NULL,
    sink_type TEXT NOT NULL,
    sink_configuration TEXT NOT NULL,
    status TEXT NOT NULL,
    test_id TEXT,
    date_created INTEGER NOT NULL,
    date_updated INTEGER NOT NULL
  );
  CREATE INDEX sinks_account ON sinks(account_sid, seq);

  CREATE TABLE stream_subscriptions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    sid TEXT NOT NULL UNIQUE,
    account_sid TEXT NOT NULL,
    description TEXT NOT NULL,
    sink_sid TEXT NOT NULL,
    date_created INTEGER NOT NULL,
    date_updated INTEGER NOT NULL
  );
  CREATE INDEX stream_subscriptions_account ON stream_subscriptions(account_sid, seq);
  CREATE UNIQUE INDEX stream_subscriptions_sink ON stream_subscriptions(sink_sid);

  CREATE TABLE subscribed_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_sid TEXT NOT NULL REFERENCES stream_subscriptions(sid) ON DELETE CASCADE,
    account_sid TEXT NOT NULL,
    type TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    UNIQUE (subscription_sid, type)
  );
  CREATE INDEX subscribed_events_type ON subscribed_events(account_sid, type);

  ALTER TABLE webhooks ADD COLUMN body TEXT;
  ALTER TABLE webhooks ADD COLUMN sink_sid TEXT;
  `,
  /* 14 */ `
  -- WhatsApp: when each user last wrote to each sender of an account (the 24-hour window), and who
  -- joined the account's WhatsApp Sandbox (Twilio's shared number) and when.
  CREATE TABLE whatsapp_sessions (
    account_sid TEXT NOT NULL,
    sender TEXT NOT NULL,
    user TEXT NOT NULL,
    last_inbound_at INTEGER NOT NULL,
    PRIMARY KEY (account_sid, sender, user)
  ) WITHOUT ROWID;
  CREATE TABLE whatsapp_sandbox_members (
    account_sid TEXT NOT NULL,
    user TEXT NOT NULL,
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (account_sid, user)
  ) WITHOUT ROWID;
  CREATE INDEX whatsapp_sandbox_members_user ON whatsapp_sandbox_members(user, joined_at);
  `,
  /* 15 */ `
  -- Content API templates (/v1/Content). types and variables are the JSON objects the client
  -- sent; the WhatsApp review lives beside them: approval_name NULL means never submitted,
  -- approval_status NULL means the review follows its timeline (received, then pending from
  -- approval_pending_at, then approval_outcome from approval_decided_at, clock ms), and a status
  -- set through the control API overrides it.
  CREATE TABLE contents (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    sid TEXT NOT NULL UNIQUE,
    account_sid TEXT NOT NULL,
    friendly_name TEXT NOT NULL,
    language TEXT NOT NULL,
    variables TEXT NOT NULL,
    types TEXT NOT NULL,
    date_created INTEGER NOT NULL,
    date_updated INTEGER NOT NULL,
    approval_name TEXT,
    approval_category TEXT,
    approval_pending_at INTEGER,
    approval_decided_at INTEGER,
    approval_outcome TEXT,
    approval_status TEXT,
    approval_rejection_reason TEXT NOT NULL DEFAULT ''
  );
  CREATE INDEX contents_account ON contents(account_sid, seq);
  `,
];
