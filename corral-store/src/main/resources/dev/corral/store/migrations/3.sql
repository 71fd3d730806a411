-- The approval queue: every decision a sandbox waited for, pending or closed.
-- `seq` grows with every change to any approval, so a stream client can resume after the last
-- change it saw.
CREATE TABLE approval (
  n             INTEGER PRIMARY KEY,
  id            TEXT    NOT NULL UNIQUE,
  seq           INTEGER NOT NULL UNIQUE,
  kind          TEXT    NOT NULL,  -- host, prompt, merge
  sandbox       TEXT    NOT NULL,
  host          TEXT,
  port          INTEGER,
  screen        TEXT,
  question      TEXT,
  task          TEXT,
  created_ms    INTEGER NOT NULL,
  expires_ms    INTEGER NOT NULL,
  state         TEXT    NOT NULL,  -- ApprovalState.wireName()
  answer        TEXT,              -- allow-once, allow-always, deny, text, apply
  answer_scope  TEXT,
  answer_text   TEXT,
  answer_expired INTEGER,
  answered_by   TEXT,
  closed_ms     INTEGER,
  reason        TEXT    NOT NULL
) STRICT;

CREATE INDEX approval_by_state ON approval (state, n);
