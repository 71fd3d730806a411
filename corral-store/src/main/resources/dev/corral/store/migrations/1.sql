-- Tasks and their state histories. `n` orders tasks by acceptance (the FIFO queue order).
CREATE TABLE task (
  n          INTEGER PRIMARY KEY,
  id         TEXT    NOT NULL UNIQUE,
  spec       TEXT    NOT NULL,  -- JSON, see SpecJson
  state      TEXT    NOT NULL,  -- TaskState.wireName()
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  sandbox    TEXT,
  backend    TEXT,
  exit_code  INTEGER,
  reason     TEXT    NOT NULL
) STRICT;

CREATE INDEX task_by_state ON task (state, n);

CREATE TABLE task_transition (
  n          INTEGER PRIMARY KEY,
  task       TEXT    NOT NULL REFERENCES task (id) ON DELETE CASCADE,
  from_state TEXT,
  to_state   TEXT    NOT NULL,
  at_ms      INTEGER NOT NULL,
  reason     TEXT    NOT NULL
) STRICT;

CREATE INDEX task_transition_by_task ON task_transition (task, n);
