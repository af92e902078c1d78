/**
 * Building DOM without HTML strings: text goes in as text nodes (never
 * parsed), so names and messages from a diagram cannot inject markup.
 */

/** Properties of {@link h}. */
export interface Props {
  class?: string;
  title?: string;
  /** Attributes, set with setAttribute (values are text). */
  attrs?: Record<string, string | undefined>;
  /** Event listeners by event name. */
  on?: Partial<Record<keyof HTMLElementEventMap, (event: any) => void>>;
}

/** A child: a node, text (as a text node) or nothing. */
export type Child = Node | string | number | null | undefined | false;

/** Creates an element with properties and children (strings become text nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.class) element.className = props.class;
  if (props.title) element.title = props.title;
  for (const [name, value] of Object.entries(props.attrs ?? {})) if (value !== undefined) element.setAttribute(name, value);
  for (const [name, listener] of Object.entries(props.on ?? {})) if (listener) element.addEventListener(name, listener);
  append(element, ...children);
  return element;
}

/** Appends children (strings as text nodes). */
export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** Replaces an element's children. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}
