-- The floor's one table: one row per POST /insert.
CREATE TABLE rows (
  id TEXT PRIMARY KEY NOT NULL,
  data TEXT NOT NULL,
  created INTEGER NOT NULL
);
