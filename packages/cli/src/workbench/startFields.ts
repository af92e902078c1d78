/**
 * The `<sop:field>`s of start events, read from a deployment's XML. The
 * engine's compiler keeps form fields of user tasks only, so the workbench
 * reads the start events' fields itself (the same attributes, the same
 * meaning) to show a start form.
 */
import { collectPrefixes, extensionElements, parse, plainAttr, type FieldDef } from '@sopflow/engine';

const TYPES = new Set<FieldDef['type']>(['string', 'text', 'number', 'boolean', 'date', 'enum', 'list']);

/** One `<sop:field>` element as a field; undefined when it has no name or an unknown type (the linter reports those). Pure. */
export function fieldOf(element: unknown): FieldDef | undefined {
  const name = plainAttr(element, 'name');
  const type = (plainAttr(element, 'type') ?? 'string') as FieldDef['type'];
  if (!name || !TYPES.has(type)) return undefined;
  const field: FieldDef = { name, type };
  const label = plainAttr(element, 'label');
  if (label) field.label = label;
  if (plainAttr(element, 'required') === 'true') field.required = true;
  const pattern = plainAttr(element, 'pattern');
  if (pattern) field.pattern = pattern;
  const minLength = plainAttr(element, 'minLength');
  if (minLength && Number.isFinite(Number(minLength))) field.minLength = Number(minLength);
  const values = plainAttr(element, 'values');
  if (values) field.values = values.split(',').map((v) => v.trim()).filter(Boolean);
  const requiredWhen = plainAttr(element, 'requiredWhen');
  if (requiredWhen) field.requiredWhen = { feel: requiredWhen.replace(/^=/, '') };
  return field;
}

/**
 * The fields of every start event of a BPMN document that declares some,
 * by start event id.
 * @throws the engine's BpmnParseError when the XML does not parse
 */
export async function startFields(xml: string): Promise<Map<string, FieldDef[]>> {
  const { definitions } = await parse(xml);
  const processes = ((definitions as { rootElements?: any[] }).rootElements ?? []).filter((e) => e.$type === 'bpmn:Process');
  const prefixes = collectPrefixes(definitions, ...processes);
  const byNode = new Map<string, FieldDef[]>();
  for (const process of processes) {
    for (const element of (process.flowElements ?? []) as any[]) {
      if (element.$type !== 'bpmn:StartEvent') continue;
      const fields = extensionElements(element, 'sop', 'field', prefixes).flatMap((f) => fieldOf(f) ?? []);
      if (fields.length) byNode.set(element.id, fields);
    }
  }
  return byNode;
}
