// Building DOM from data without ever parsing it as HTML: text is text.

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | ((event: Event) => void) | null | undefined>;

/** An element with attributes (`on*` keys become listeners) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  append(element, children);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === "function") {
      element.addEventListener(key.slice(2).toLowerCase(), value);
    } else if ((key === "value" && !(element instanceof HTMLInputElement)) || key === "checked") {
      // A select's or textarea's value is a property; an input's value
      // attribute is its default, which a form reset returns to.
      (element as unknown as Record<string, unknown>)[key] = value;
    } else {
      element.setAttribute(key, value === true ? "" : String(value));
    }
  }
  return element;
}

/** Replaces the children of `parent`. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

function append(parent: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(typeof child === "number" ? String(child) : child);
  }
}

/** A labelled form field: the label names the control it wraps. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLLabelElement {
  return h("label", { class: "field" }, h("span", { class: "field-name" }, label), control, hint ? h("small", {}, hint) : null);
}

/** A `<select>` of values named by `name`, the first chosen unless `chosen` is given. */
export function select(
  name: string,
  values: readonly string[],
  label: (value: string) => string,
  chosen?: string,
): HTMLSelectElement {
  return h("select", { name }, ...values.map((v) => h("option", { value: v, selected: v === chosen }, label(v))));
}

/**
 * Text that is not the console's to translate and reads left to right
 * whatever the page's direction: an id, a grid reference, a token.
 */
export function ltr(text: string): HTMLElement {
  return h("bdi", { dir: "ltr", translate: "no" }, text);
}
