// The registry's former write verbs, as plans for its one write command: registry-level tests read
// better with names for the common plans, and each of these is exactly one `write` call.
import type { Actor, Label, Prompt, VersionContent, VersionStatus } from '../../src/model/types.ts';
import type {
  PromptInput,
  PromptPatch,
  PromptRef,
  Registry,
  Resolved,
  VersionSelector,
  VersionView,
  WriteResult,
} from '../../src/registry/index.ts';

interface VersionOpts {
  status?: VersionStatus;
  labels?: string[];
  ifMatch?: string;
  keepInputVariables?: boolean;
}

const resolved = (r: WriteResult): Resolved => ({ prompt: r.prompt, version: r.version! });
const labelled = (labels: string[] | undefined) =>
  (labels ?? []).map((name) => ({ name, to: 'written' as const }));
const mode = (s: VersionStatus | undefined) =>
  s === 'draft' ? ('new_draft' as const) : ('new_committed' as const);

export function withVerbs(reg: Registry) {
  const verbs = {
    createPrompt: async (actor: Actor, input: PromptInput): Promise<Prompt> =>
      (await reg.write(actor, { target: { kind: 'create', prompt: input } })).prompt,
    updatePrompt: async (actor: Actor, ref: PromptRef, patch: PromptPatch, o: { ifMatch?: string } = {}) =>
      (await reg.write(actor, { target: { kind: 'prompt', ref }, fields: patch, ifMatch: o.ifMatch })).prompt,
    createVersion: async (
      actor: Actor,
      ref: PromptRef,
      content: Partial<VersionContent>,
      o: VersionOpts = {},
    ): Promise<Resolved> =>
      resolved(
        await reg.write(actor, {
          target: { kind: 'prompt', ref },
          ifMatch: o.ifMatch,
          version: { mode: mode(o.status), content, keepInputVariables: o.keepInputVariables },
          labels: labelled(o.labels),
        }),
      ),
    deriveVersion: async (
      actor: Actor,
      ref: PromptRef | readonly PromptRef[],
      base: VersionSelector,
      build: (base: VersionView, prompt: Prompt) => Partial<VersionContent>,
      o: VersionOpts = {},
    ) => {
      const r = await reg.write(actor, {
        target: { kind: 'prompt', ref },
        ifMatch: o.ifMatch,
        version: { mode: mode(o.status), base, content: build, keepInputVariables: o.keepInputVariables },
        labels: labelled(o.labels),
      });
      return { ...resolved(r), base: r.base! };
    },
    publishVersion: async (
      actor: Actor,
      input: PromptInput,
      onExisting: PromptPatch,
      content: Partial<VersionContent>,
      o: VersionOpts & { ifExists?: 'append' | 'error' } = {},
    ) => {
      const r = await reg.write(actor, {
        target: { kind: 'publish', prompt: input, onExisting, ifExists: o.ifExists },
        ifMatch: o.ifMatch,
        version: { mode: mode(o.status), content, keepInputVariables: o.keepInputVariables },
        labels: labelled(o.labels),
      });
      return { ...resolved(r), created: r.created };
    },
    reviseVersion: async (
      actor: Actor,
      ref: PromptRef,
      patch: PromptPatch,
      content: Partial<VersionContent>,
      o: VersionOpts = {},
    ): Promise<Resolved> =>
      resolved(
        await reg.write(actor, {
          target: { kind: 'prompt', ref },
          ifMatch: o.ifMatch,
          fields: patch,
          version: { mode: mode(o.status), content, keepInputVariables: o.keepInputVariables },
          labels: labelled(o.labels),
        }),
      ),
    editDraft: async (
      actor: Actor,
      ref: PromptRef,
      number: number,
      edit: {
        content: Partial<VersionContent> | ((current: VersionView) => Partial<VersionContent>);
        keepInputVariables?: boolean;
      },
      o: { ifMatch?: string } = {},
    ): Promise<Resolved> => {
      const c = edit.content;
      return resolved(
        await reg.write(actor, {
          target: { kind: 'prompt', ref },
          ifMatch: o.ifMatch,
          version: {
            mode: 'edit_draft',
            version: { number },
            content: typeof c === 'function' ? c : () => c,
            keepInputVariables: edit.keepInputVariables,
          },
        }),
      );
    },
    commitDraft: async (
      actor: Actor,
      ref: PromptRef,
      o: { commitMessage?: string | null; ifMatch?: string } = {},
    ): Promise<Resolved> =>
      resolved(
        await reg.write(actor, {
          target: { kind: 'prompt', ref },
          ifMatch: o.ifMatch,
          version: { mode: 'commit_draft', commitMessage: o.commitMessage },
        }),
      ),
    setLabel: async (
      actor: Actor,
      ref: PromptRef,
      name: string,
      to: VersionSelector,
      o: { ifMatch?: string; commitIfDraft?: boolean } = {},
    ): Promise<{ prompt: Prompt; label: Label }> => {
      const r = await reg.write(actor, {
        target: { kind: 'prompt', ref },
        ifMatch: o.ifMatch,
        labels: [{ name, to, commitIfDraft: o.commitIfDraft }],
      });
      return { prompt: r.prompt, label: r.labels[0]! };
    },
    deleteLabel: (actor: Actor, ref: PromptRef, name: string, o: { ifMatch?: string } = {}) =>
      reg.deleteLabel(actor, { prompt: ref, name }, o),
    /** The newest live version of each prompt (the summaries' `latest`). */
    latestVersionsOf: async (actor: Actor, ids: string[]): Promise<Map<string, VersionView>> => {
      const out = new Map<string, VersionView>();
      for (const [id, s] of await reg.versionSummariesOf(actor, ids)) if (s.latest) out.set(id, s.latest);
      return out;
    },
  };
  return { ...reg, ...verbs };
}

export type TestRegistry = ReturnType<typeof withVerbs>;
