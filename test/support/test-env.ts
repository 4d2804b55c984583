// Runs in every test worker before its files: the shell's Lectern settings are not the tests'.
// A `DATABASE_URL` exported in the shell running `npm test` (the tests' PostgreSQL is
// LECTERN_TEST_DATABASE_URL) would put every "PGlite" child server into one PostgreSQL schema,
// where parallel test files see each other's prompts; a `LECTERN_URL` would send the CLI's local
// commands to that server. Children inherit this process's environment, so they start clean too.
for (const name of [
  'DATABASE_URL',
  'LECTERN_PG_SCHEMA',
  'LECTERN_DATA_DIR',
  'LECTERN_URL',
  'LECTERN_API_KEY',
  'LECTERN_WORKSPACE',
])
  delete process.env[name];
