import { BpmnModdle } from 'bpmn-moddle';
import camundaDescriptor from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import zeebeDescriptor from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };
import { sopDescriptor } from '@sopflow/moddle';

/** A moddle property definition, as in the JSON descriptors. */
interface PropertyDefinition {
  name: string;
  [key: string]: unknown;
}

/** A moddle type definition, as in the JSON descriptors. */
interface TypeDefinition {
  name: string;
  extends?: string[];
  properties?: PropertyDefinition[];
  [key: string]: unknown;
}

/** A moddle package descriptor (`camunda.json`, `zeebe.json`, `sop.json`). */
export interface PackageDescriptor {
  name: string;
  prefix: string;
  uri: string;
  types: TypeDefinition[];
  [key: string]: unknown;
}

/**
 * An extension attribute that is no longer a typed moddle property because an
 * earlier package owns its local name on the same BPMN type. bpmn-moddle
 * keeps its value in `element.$attrs`, so `element.get('sop:assignee')`
 * still reads it.
 */
export interface UntypedAttribute {
  /** Qualified name, e.g. `sop:assignee`. */
  attribute: string;
  /** The type that declared it (`sop:Assignable`); elements of this type may carry it. */
  declaredBy: string;
  /** The typed property that owns the local name, e.g. `camunda:assignee`. */
  ownedBy: string;
}

/** The extension packages, reconciled so they load into one moddle. */
export interface ReconciledExtensions {
  packages: Record<string, PackageDescriptor>;
  untyped: UntypedAttribute[];
}

/**
 * Extension packages in order of precedence: when two define a property with
 * the same local name on the same BPMN type, the earlier one keeps it typed.
 * Camunda first, as `@sopflow/moddle` decided (`sopCamundaCompatibleDescriptor`).
 */
const EXTENSIONS: ReadonlyArray<readonly [string, PackageDescriptor]> = [
  // Copies taken when this module loads: moddle rewrites a descriptor in place when it registers it,
  // so another moddle in the same page (bpmn-js) registering the shared object must not affect ours.
  ['camunda', structuredClone(camundaDescriptor) as PackageDescriptor],
  ['sop', structuredClone(sopDescriptor) as PackageDescriptor],
  ['zeebe', structuredClone(zeebeDescriptor) as PackageDescriptor],
];

function qualify(prefix: string, name: string): string {
  return name.includes(':') ? name : `${prefix}:${name}`;
}

/** Every concrete (non-trait) type name of a moddle, with its effective properties. */
function* effectiveTypes(moddle: BpmnModdle): Generator<[string, Array<{ name: string; ns: { name: string; prefix: string; localName: string }; definedBy?: { name: string } }>]> {
  for (const pkg of moddle.getPackages()) {
    for (const type of pkg.types ?? []) {
      if (type.extends?.length) continue;
      const name = qualify(pkg.prefix, type.name);
      const descriptor = moddle.getType(name).$descriptor as unknown as {
        properties: Array<{ name: string; ns: { name: string; prefix: string; localName: string }; definedBy?: { name: string } }>;
      };
      yield [name, descriptor.properties];
    }
  }
}

/**
 * Works out which extension properties collide (moddle keys an element's
 * properties by local name, so `camunda:assignee` and `sop:assignee` cannot
 * both be typed on `bpmn:UserTask`, and `camunda:modelerTemplate` and
 * `zeebe:modelerTemplate` cannot both be typed on every flow element) and
 * returns copies of the descriptors without the later-precedence property of
 * each collision. Only real collisions on a real type are removed. Pure:
 * the input descriptors are not changed.
 */
export function reconcileExtensions(
  extensions: ReadonlyArray<readonly [string, PackageDescriptor]> = EXTENSIONS,
): ReconciledExtensions {
  const owners = new Map<string, Map<string, string>>();
  const own = (type: string): Map<string, string> => {
    let names = owners.get(type);
    if (!names) owners.set(type, (names = new Map()));
    return names;
  };
  for (const [type, properties] of effectiveTypes(new BpmnModdle())) {
    for (const p of properties) own(type).set(p.ns.localName, p.ns.name);
  }

  const packages: Record<string, PackageDescriptor> = {};
  const untyped: UntypedAttribute[] = [];
  for (const [key, original] of extensions) {
    // moddle rewrites property names in place when it registers a package: work on a copy.
    const descriptor = structuredClone(original);
    const drop = new Map<string, UntypedAttribute>();
    for (const [type, properties] of effectiveTypes(new BpmnModdle({ [key]: structuredClone(original) }))) {
      for (const p of properties) {
        if (p.ns.prefix !== descriptor.prefix) continue;
        const owner = own(type).get(p.ns.localName);
        if (owner === undefined) own(type).set(p.ns.localName, p.ns.name);
        else if (owner !== p.ns.name) {
          const declaredBy = qualify(descriptor.prefix, p.definedBy?.name ?? type);
          drop.set(`${declaredBy}#${p.ns.localName}`, { attribute: p.ns.name, declaredBy, ownedBy: owner });
        }
      }
    }
    packages[key] = {
      ...descriptor,
      types: descriptor.types.map((type) => {
        const declaredBy = qualify(descriptor.prefix, type.name);
        const properties = type.properties?.filter((p) => !drop.has(`${declaredBy}#${p.name}`));
        return properties && properties.length !== type.properties?.length ? { ...type, properties } : type;
      }),
    };
    untyped.push(...drop.values());
  }
  return { packages, untyped };
}

let reconciled: ReconciledExtensions | undefined;

/**
 * The `sop:`, `camunda:` and `zeebe:` packages, reconciled once and then
 * reused (the descriptors are constants). Pure apart from that memo.
 */
export function extensionPackages(): ReconciledExtensions {
  return (reconciled ??= reconcileExtensions());
}
