// POST /v1/render — render a template sent in the request (nothing stored): one template string,
// or a message list. Returns the output, warnings and the variables the template reads.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { VersionMessage } from '../../../templates/index.ts';
import { renderMessages, renderTemplate } from '../render.ts';
import { Message, Obj, RenderMode, TemplateFormat } from '../schemas.ts';
import { RenderedTemplate, errors } from '../responses.ts';

const common = {
  format: TemplateFormat,
  variables: Type.Optional(Obj),
  mode: Type.Optional(RenderMode),
};

export const schema = {
  operationId: 'renderTemplate',
  summary: 'Render a template',
  description: 'Send `template` (one string) or `messages` (chat messages), not both.',
  tags: ['render'],
  body: Type.Union([
    Type.Object(
      { ...common, template: Type.String({ maxLength: 1_000_000 }) },
      { additionalProperties: false },
    ),
    Type.Object(
      { ...common, messages: Type.Array(Message, { maxItems: 10_000 }) },
      { additionalProperties: false },
    ),
  ]),
  response: { 200: RenderedTemplate, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/render', { schema, config: { readOnly: true } }, async (req) => {
      const b = req.body;
      const vars = b.variables ?? {};
      const mode = b.mode ?? 'strict';
      if ('template' in b)
        return renderTemplate(app.renderer, b.format, b.template, vars, mode, req.actor.keyId);
      return renderMessages(
        app.renderer,
        b.format,
        b.messages as VersionMessage[],
        vars,
        mode,
        req.actor.keyId,
      );
    });
}
