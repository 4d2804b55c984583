// The 10,000-prompt workspace of `npm run bench:ui`: bulk rows straight into the tables (the
// registry's write path is not what is measured there), then ANALYZE.
import { sql } from 'drizzle-orm';
import type { Db } from '../src/store/db.ts';

export async function seedUiPrompts(db: Db, count: number): Promise<void> {
  await db.execute(sql`
    insert into prompts (id, workspace_id, name, tags, last_version, created_at, updated_at)
    select gen_random_uuid(), w.id,
           'team-' || (i % 20) || '/area-' || (i % 7) || '/prompt-' || lpad(i::text, 5, '0'),
           jsonb_build_array('t' || (i % 50)), 1,
           now() - make_interval(secs => i), now() - make_interval(secs => i)
    from generate_series(1, ${count}) as i, workspaces w where w.name = 'default'`);
  await db.execute(sql`
    insert into versions (id, prompt_id, number, status, template_type, messages, template_format, input_variables, committed_at)
    select gen_random_uuid(), p.id, 1, 'committed', 'chat',
           jsonb_build_array(
             jsonb_build_object('role', 'system', 'content', 'You are the assistant for ' || p.name || '. Be brief and exact.'),
             jsonb_build_object('role', 'user', 'content', 'Customer {{customer}} asks about order ' || p.seq || ': {{question}}')),
           'mustache', '["customer","question"]'::jsonb, now()
    from prompts p`);
  await db.execute(sql`analyze`);
}
