import { it } from 'vitest';
import { backends } from '../support/stores.ts';
import { startTestApp } from '../support/app.ts';
it('repro', async () => {
  const t = await startTestApp(backends[0]!);
  const show = (l: string, r: any) => console.log(l, r.status, r.raw.slice(0, 300));
  show('nul', await t.call('POST', '/v1/prompts', { body: JSON.stringify({ name: 'a', version: { messages: [{ role: 'user', content: 'x\u0000y' }] } }) }));
  show('nulmeta', await t.call('POST', '/v1/prompts', { body: JSON.stringify({ name: 'a2', metadata: {a:'x\u0000'} }) }));
  show('inf', await t.call('POST', '/v1/prompts', { body: '{"name":"b","version":{"params":{"t":1e309}}}' }));
  show('sur', await t.call('POST', '/v1/prompts', { body: '{"name":"c\\ud800"}' }));
  show('long', await t.call('GET', '/v1/prompts/' + 'a'.repeat(1100)));
  show('longpl', await t.call('GET', '/prompt-templates/' + 'a'.repeat(1100)));
  show('proto', await t.call('POST', '/v1/prompts', { body: '{"name":"d","version":{"json_schema":{"properties":{"__proto__":{"type":"string"}}}}}' }));
  show('protopl', await t.call('POST', '/rest/prompt-templates', { body: '{"__proto__":{}}' }));
  show('order', await t.call('POST', '/v1/prompts', { body: '{"name":"e","version":{"json_schema":{"properties":{"reasoning":{"type":"string"},"answer":{"type":"string"},"2":1,"10":2}}}}' }));
  await t.close();
}, 60000);
