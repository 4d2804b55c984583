import { it } from 'vitest';
import { backends } from '../support/stores.ts';
import { startTestApp } from '../support/app.ts';
for (const b of backends) it('order ' + b.name, async () => {
  const t = await startTestApp(b);
  const body = '{"name":"e","version":{"params":{"z":1,"2":3},"json_schema":{"properties":{"reasoning":{"type":"string"},"answer":{"type":"string"},"2":1,"10":2,"__proto__":{"x":1}}},"metadata":{"b":1,"a":2}}}';
  const r = await t.call('POST', '/v1/prompts', { body });
  console.log(r.status, r.raw.slice(0,200));
  const g = await t.call('GET', '/v1/prompts/e/versions/1');
  console.log(JSON.stringify(g.status), g.raw.match(/"params".*?"metadata":\{[^}]*\}/)?.[0]);
  await t.close();
}, 60000);
