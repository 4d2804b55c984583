// POST /rest/prompt-templates — create a template (version 1) or append a version to the template of
// that name, moving `release_labels` onto it. 201 with CreatePromptTemplateResponse.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { LecternError, unprocessable } from '../../../model/errors.ts';
import type { JsonObject } from '../../../model/types.ts';
import { templateProblems } from '../blueprint.ts';
import { contentFromWire } from '../mapping.ts';
import { snippetFetcher, snippetProblem } from '../lookup.ts';
import { CommitMessage, Metadata, PromptTemplate, ReleaseLabels } from '../schemas.ts';
import { resolveSnippets } from '../snippets.ts';
import { createdWire } from '../wire.ts';

export const schema = {
  summary: 'Publish a prompt template version (PromptLayer)',
  tags: ['promptlayer'],
  body: Type.Object({
    prompt_template: Type.Object({
      prompt_name: Type.String({ minLength: 1, maxLength: 512 }),
      tags: Type.Optional(Type.Union([Type.Array(Type.String()), Type.Null()])),
      is_snippet: Type.Optional(Type.Boolean()),
    }),
    prompt_version: Type.Object({
      prompt_template: PromptTemplate,
      commit_message: Type.Optional(CommitMessage),
      metadata: Type.Optional(Metadata),
    }),
    release_labels: Type.Optional(ReleaseLabels),
  }),
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/rest/prompt-templates', { schema }, async (req, reply) => {
      const { prompt_template: pt, prompt_version: pv } = req.body;
      // The blueprint's per-role rules (spec §1.2–1.4), reported like pydantic's 422 list.
      const problems = templateProblems(pv.prompt_template as JsonObject);
      if (problems.length) {
        const where = ['body', 'prompt_version', 'prompt_template'];
        throw unprocessable(problems[0]!.msg, {
          detail: problems.map((x) => ({ loc: [...where, ...x.path], msg: x.msg, type: x.type })),
        });
      }
      const content = contentFromWire(
        pv.prompt_template as JsonObject,
        pv.metadata as JsonObject | null | undefined,
        pv.commit_message,
      );
      // Every referenced snippet must exist (and not lead back here) before anything is written.
      await resolveSnippets(
        { messages: content.messages ?? [], content: content.content ?? null },
        snippetFetcher(app, req.actor),
        pt.prompt_name,
      ).catch((e: unknown) => {
        throw snippetProblem(e, ['body', 'prompt_version', 'prompt_template']);
      });
      const tags = pt.tags ?? undefined;
      const publish = () =>
        app.registry.publishVersion(
          req.actor,
          { name: pt.prompt_name, tags, kind: content.templateType, isSnippet: pt.is_snippet ?? false },
          { tags },
          content,
          { labels: req.body.release_labels ?? [] },
        );
      let out;
      try {
        out = await publish();
      } catch (e) {
        // Two first publishers of one name: the loser's insert hits the unique index; append instead.
        if (e instanceof LecternError && e.code === 'conflict') out = await publish();
        else throw e;
      }
      return reply.code(201).send(createdWire(out.prompt, out.version));
    });
}
