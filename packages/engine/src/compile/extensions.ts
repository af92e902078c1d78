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

/**
 * Namespaces read as another one: Camunda 7 still reads the namespace of
 * Activiti, which it forked, as its own (`xmlns:activiti="http://activiti.org/bpmn"`).
 */
const ALIASES: Readonly<Record<string, string>> = { 'http://activiti.org/bpmn': NS.camunda };

/** Prefix → namespace URI, as moddle names them in `$type` and `$attrs` keys. */
export type Prefixes = Map<string, string>;

/** XML namespaces the reader knows besides the moddle packages (moddle-xml's defaults). */
const READER_NAMESPACES: Readonly<Record<string, string>> = {
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xml: 'http://www.w3.org/XML/1998/namespace',
};

/**
 * The prefixes moddle uses in the given elements (root first), which are not
 * always those of the document: moddle renames every namespace it knows to
 * its package prefix (`xmlns:s="…sop…"` still gives `sop:assignee`), and a
 * namespace it does not know whose prefix is taken by one it does (Camunda's
 * old `xmlns:camunda="http://activiti.org/bpmn"`), or that is the default
 * namespace, to `ns0`, `ns1`… in the order of declaration. This follows the
 * reader (saxen) for declarations on these elements.
 */
export function collectPrefixes(...elements: any[]): Prefixes {
  const prefixes: Prefixes = new Map(Object.entries(READER_NAMESPACES));
  for (const pkg of elements[0]?.$model?.getPackages?.() ?? []) prefixes.set(pkg.prefix, pkg.uri);
  for (const [prefix, uri] of Object.entries(NS)) prefixes.set(prefix, uri);
  const named = new Set(prefixes.values());
  const taken = new Set(prefixes.keys());
  let anonymous = 0;
  for (const element of elements) {
    for (const [name, value] of Object.entries(element?.$attrs ?? {})) {
      if (name !== 'xmlns' && !name.startsWith('xmlns:')) continue;
      const uri = String(value);
      let prefix = name === 'xmlns' ? undefined : name.slice(6);
      if (named.has(uri)) {
        if (prefix !== undefined) taken.add(prefix);
        continue;
      }
      if (prefix === undefined || taken.has(prefix)) {
        do prefix = `ns${anonymous++}`;
        while (taken.has(prefix));
      }
      prefixes.set(prefix, uri);
      taken.add(prefix);
      named.add(uri);
    }
  }
  return prefixes;
}

/** True when `uri` is the namespace `ns`, or an alias of it. */
function isNamespace(uri: string | undefined, ns: Namespace): boolean {
  return uri !== undefined && (uri === NS[ns] || ALIASES[uri] === NS[ns]);
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
    if (isNamespace(namespaceOfQualified(key, prefixes), ns)) return String(value);
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
    return id.local === local && isNamespace(id.ns, ns);
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
