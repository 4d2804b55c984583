// Rendering for the native API: a stored version with the caller's variables over its defaults,
// or a template sent in the request. The renders themselves run on the render pool (shared fairly
// between keys: `key` is the caller's key id); errors are TemplateErrors (422).
import type { Version } from '../../model/types.ts';
import { modelConfigWire } from './wire.ts';
import { versionTask, type Renderer, type ResultOf } from '../../templates/tasks.ts';
import type { RenderMode, TemplateFormat, VersionMessage } from '../../templates/index.ts';

type VersionTask = ReturnType<typeof versionTask>;

const renderedWire = (v: Version, r: ResultOf<VersionTask>) => ({
  template_type: v.templateType,
  template_format: v.templateFormat,
  messages: r.messages,
  content: r.content,
  ...modelConfigWire(v),
  warnings: r.warnings,
  missing: r.missing,
});

export async function renderVersion(
  renderer: Renderer,
  v: Version,
  variables: Record<string, unknown>,
  mode: RenderMode,
  key?: string,
) {
  return renderedWire(v, await renderer.run(versionTask(v, variables, mode), { key }));
}

/** renderVersion's answer when it can be rendered now, inline (renderer.tryInline); else undefined. */
export function renderVersionNow(
  renderer: Renderer,
  v: Version,
  variables: Record<string, unknown>,
  mode: RenderMode,
  key?: string,
): ReturnType<typeof renderedWire> | undefined {
  const r = renderer.tryInline(versionTask(v, variables, mode), { key });
  return r === undefined ? undefined : renderedWire(v, r);
}

/** A single template string: its output and the variables it reads. */
export function renderTemplate(
  renderer: Renderer,
  format: TemplateFormat,
  template: string,
  variables: Record<string, unknown>,
  mode: RenderMode,
  key?: string,
) {
  return renderer.run({ kind: 'template', format, template, variables, mode }, { key });
}

/** A message list in one default format (messages may name their own template_format). */
export function renderMessages(
  renderer: Renderer,
  format: TemplateFormat,
  messages: VersionMessage[],
  variables: Record<string, unknown>,
  mode: RenderMode,
  key?: string,
) {
  return renderer.run({ kind: 'messages', format, messages, variables, mode }, { key });
}
