// POST /api/public/v2/prompts — a new prompt, or the next version of an existing name: 201 with the
// new row. `latest` goes to the new version by itself, the labels sent move onto it, tags replace
// the prompt's (Lectern's tags are per prompt: every version has them, as in Langfuse; left out,
// they stay), and a type other than the prompt's versions' is refused (the type lock). Versions
// are numbered under the prompt's row lock, so concurrent creates each get the next number.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { badRequest } from '../../../model/errors.ts';
import type { JsonObject, VersionContent } from '../../../model/types.ts';
import { referenceProblem } from '../fetch.ts';
import { contentOfConfig, messagesOfWire, promptWire, LATEST, type WireChatItem } from '../mapping.ts';
import { toStored } from '../references.ts';
import { checkLabels, checkName, checkPlaceholders } from '../rules.ts';
import { PromptRow, errors } from '../responses.ts';

const ChatMessage = Type.Object({
  role: Type.String({ minLength: 1 }),
  content: Type.String(),
  type: Type.Optional(Type.Literal('chatmessage')),
});
const Placeholder = Type.Object({
  type: Type.Literal('placeholder'),
  name: Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9_]*$', maxLength: 128 }),
});

const OrNull = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const Body = Type.Object({
  name: Type.String({ minLength: 1 }),
  type: Type.Optional(Type.Union([Type.Literal('text'), Type.Literal('chat')])),
  prompt: Type.Union([Type.String(), Type.Array(Type.Union([Placeholder, ChatMessage]))]),
  config: Type.Optional(OrNull(Type.Record(Type.String(), Type.Unknown()))),
  labels: Type.Optional(Type.Array(Type.String(), { maxItems: 100 })),
  tags: Type.Optional(OrNull(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 100 }))),
  commitMessage: Type.Optional(OrNull(Type.String({ maxLength: 500 }))),
});

export const schema = {
  operationId: 'langfuseCreatePrompt',
  summary: 'Create a prompt or a new version of one (Langfuse)',
  tags: ['langfuse'],
  body: Body,
  response: { 201: PromptRow, ...errors },
};

/** The canonical content of a create body (reference tags stored as Lectern snippet tags). */
export function contentOfBody(b: Static<typeof Body>): Partial<VersionContent> {
  const type = b.type ?? 'text';
  const base = {
    ...contentOfConfig((b.config ?? {}) as JsonObject),
    templateFormat: 'mustache' as const,
    commitMessage: b.commitMessage ?? null,
  };
  if (type === 'text') {
    if (typeof b.prompt !== 'string') throw badRequest('a text prompt is a string', { field: 'prompt' });
    return {
      ...base,
      templateType: 'completion',
      messages: [],
      content: [{ type: 'text', text: toStored(b.prompt) }],
    };
  }
  if (typeof b.prompt === 'string')
    throw badRequest('a chat prompt is a list of messages', { field: 'prompt' });
  const messages = messagesOfWire(b.prompt as WireChatItem[]).map((m) =>
    typeof m.content === 'string' ? { ...m, content: toStored(m.content) } : m,
  );
  checkPlaceholders(messages);
  return { ...base, templateType: 'chat', messages, content: null };
}

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/api/public/v2/prompts', { schema }, async (req, reply) => {
      const b = req.body;
      checkName(b.name);
      const labels = [...new Set((b.labels ?? []).filter((l) => l !== LATEST))];
      checkLabels(labels, { allowLatest: true });
      let content: Partial<VersionContent>;
      try {
        content = contentOfBody(b);
      } catch (e) {
        throw referenceProblem(e);
      }
      const tags = b.tags === null || b.tags === undefined ? undefined : [...new Set(b.tags)];
      const r = await app.registry
        .write(req.actor, {
          target: {
            kind: 'publish',
            prompt: { name: b.name, tags: tags ?? [], kind: content.templateType },
            onExisting: tags ? { tags } : {},
          },
          sameKind: true,
          version: { mode: 'new_committed', content },
          labels: labels.map((name) => ({ name, to: 'written' as const })),
          // References are resolved inside the write, under the prompt's lock: one call, and a
          // missing, cyclic or chat reference writes nothing.
          snippetsIn: { messages: content.messages!, content: content.content! },
        })
        .catch((e: unknown) => {
          throw referenceProblem(e);
        });
      return reply.code(201).send(promptWire(r.prompt, r.version!, true));
    });
}
