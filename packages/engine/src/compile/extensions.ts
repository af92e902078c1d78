/**
 * Reading extension attributes and elements (sop:, Camunda 7, Zeebe) from
 * moddle elements, whether moddle typed them (descriptor loaded) or kept them
 * generic (`$attrs`, generic elements). Pure.
 */

import { SOP_NAMESPACE } from '@sopflow/moddle';

export const NS = {
  sop: SOP_NAMESPACE,
  camunda: 'http://camunda.org/schema/1.0/bpmn',
  zeebe: 'http://camunda.org/schema/zeebe/1.0',
} as const;

export type Namespace = keyof typeof NS;

/** Prefix → namespace URI, from `xmlns:*` declarations moddle keeps in `$attrs`. */
export type Prefixes = Map<string, string>;

/** Collects the namespace prefixes declared on the given elements (root first). */
export function collectPrefixes(...elements: any[]): Prefixes {
  const prefixes: Prefixes = new Map();
  for (const element of elements) {
    const attrs = element?.$attrs ?? {};
    for (const [name, value] of Object.entries(attrs)) {
      if (name.startsWith('xmlns:')) prefixes.set(name.slice(6), String(value));
    }
  }
  return prefixes;
}

function namespaceOfQualified(qualified: string, prefixes: Prefixes): string | undefined {
  const colon = qualified.indexOf(':');
  if (colon < 0) return undefined;
  return prefixes.get(qualified.slice(0, colon));
}

/**
 * An extension attribute of an element: the typed property when the
 * descriptor defines it, else a generic attribute in that namespace under
 * any prefix.
 */
export function attr(element: any, ns: Namespace, name: string, prefixes: Prefixes): string | undefined {
  const descriptor = element?.$descriptor;
  const qualified = `${ns}:${name}`;
  if (descriptor?.propertiesByName?.[qualified]) {
    const value = element.get(qualified);
    if (value !== undefined && value !== null) return String(value);
  }
  const attrs: Record<string, unknown> = element?.$attrs ?? {};
  for (const [key, value] of Object.entries(attrs)) {
    const colon = key.indexOf(':');
    if (colon < 0 || key.slice(colon + 1) !== name) continue;
    if (namespaceOfQualified(key, prefixes) === NS[ns]) return String(value);
  }
  return undefined;
}

/** Local name (lower camel case) and namespace URI of an extension element. */
function identify(value: any, prefixes: Prefixes): { ns?: string; local: string } {
  const type: string = value?.$type ?? '';
  const descriptorNs = value?.$descriptor?.ns;
  const colon = type.indexOf(':');
  const local = colon < 0 ? type : type.slice(colon + 1);
  const lowered = local.charAt(0).toLowerCase() + local.slice(1);
  if (descriptorNs?.uri && value.$descriptor?.name === type) return { ns: descriptorNs.uri, local: lowered };
  const prefix = colon < 0 ? '' : type.slice(0, colon);
  return { ns: prefixes.get(prefix) ?? value?.$descriptor?.ns?.uri, local: lowered };
}

/** The element's `extensionElements` children in the given namespace with the given local name. */
export function extensionElements(element: any, ns: Namespace, local: string, prefixes: Prefixes): any[] {
  const values: any[] = element?.extensionElements?.values ?? [];
  return values.filter((value) => {
    const id = identify(value, prefixes);
    return id.local === local && id.ns === NS[ns];
  });
}

/** Children of a (typed or generic) extension element with the given local name. */
export function childElements(element: any, local: string, prefixes: Prefixes): any[] {
  const out: any[] = [];
  const candidates: any[] = [];
  for (const key of Object.keys(element ?? {})) {
    if (key.startsWith('$')) continue;
    const v = element[key];
    if (Array.isArray(v)) candidates.push(...v);
    else if (v && typeof v === 'object' && v.$type) candidates.push(v);
  }
  if (Array.isArray(element?.$children)) candidates.push(...element.$children);
  for (const child of candidates) {
    if (identify(child, prefixes).local === local) out.push(child);
  }
  return out;
}

/** An attribute of a typed or generic extension element. */
export function plainAttr(element: any, name: string): string | undefined {
  const value = element?.[name] ?? element?.$attrs?.[name];
  return value === undefined || value === null ? undefined : String(value);
}

/** Text content of a typed (`value`/`body`) or generic (`$body`) element. */
export function textOf(element: any): string | undefined {
  const value = element?.body ?? element?.value ?? element?.$body;
  return typeof value === 'string' ? value : undefined;
}
