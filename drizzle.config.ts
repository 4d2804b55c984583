import { defineConfig } from 'drizzle-kit';

// Migrations are generated from src/store/schema.ts and committed; both backends run the same SQL.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/store/schema.ts',
  out: './drizzle',
});
