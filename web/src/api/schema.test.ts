// The committed client types are what the server's routes declare today: regenerate with
// `npm run gen:web-api` when this fails.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as prettier from 'prettier';
import { SCHEMA_FILE, webApiTypes } from '../../../scripts/web-api-types.ts';

describe('web/src/api/schema.d.ts', () => {
  it('matches the OpenAPI document the server serves (npm run gen:web-api)', async () => {
    const options = (await prettier.resolveConfig(SCHEMA_FILE)) ?? {};
    const want = await prettier.format(await webApiTypes(), { ...options, filepath: SCHEMA_FILE });
    expect(readFileSync(SCHEMA_FILE, 'utf8') === want, 'schema.d.ts is stale: run npm run gen:web-api').toBe(
      true,
    );
  }, 60_000);
});
