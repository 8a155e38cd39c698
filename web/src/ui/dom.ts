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

/**
 * Replaces the children of `parent`. Focus inside it moves to the new
 * element that stands for the same thing (see `placeOf`): a panel drawn
 * again as events arrive must not throw a keyboard user back to the top of
 * the page.
 */
export function replace(parent: Element, ...children: Child[]): void {
  const focused = document.activeElement;
  const place = focused && focused !== parent && parent.contains(focused) ? placeOf(focused) : null;
  parent.replaceChildren();
  append(parent, children);
  if (place) (find(parent, place) as HTMLElement | SVGElement | null)?.focus({ preventScroll: true });
}

/** The attributes that name the one thing an element stands for. */
const NAMES = ["id", "data-id", "data-tab", "data-conflict", "data-activity", "data-alert", "data-urgent", "data-event", "data-rule", "data-layer"];

/**
 * Where an element is, in terms that survive a redraw: the nearest element
 * (itself or an ancestor) named by one of `NAMES`, and inside it the
 * element's rank among those of its tag and `data-action`. Nothing when
 * nothing names it: focus moved by guesswork could put Enter on another
 * conflict's Acknowledge.
 */
interface Place {
  anchor: string;
  /** What the element is inside the anchor, and its rank among those; none: the anchor itself. */
  inside: { selector: string; rank: number } | null;
}

function placeOf(element: Element): Place | null {
  for (let anchor: Element | null = element; anchor; anchor = anchor.parentElement) {
    const named = NAMES.filter((name) => anchor!.hasAttribute(name));
    if (!named.length) continue;
    const anchorSelector = selector(anchor, named);
    if (anchor === element) return { anchor: anchorSelector, inside: null };
    const inside = selector(element, element.hasAttribute("data-action") ? ["data-action"] : []);
    return { anchor: anchorSelector, inside: { selector: inside, rank: [...anchor.querySelectorAll(inside)].indexOf(element) } };
  }
  return null;
}

function selector(element: Element, attributes: string[]): string {
  return element.localName + attributes.map((name) => `[${name}="${CSS.escape(element.getAttribute(name)!)}"]`).join("");
}

function find(parent: Element, place: Place): Element | null {
  const anchor = parent.querySelector(place.anchor);
  if (!anchor || !place.inside) return anchor;
  return anchor.querySelectorAll(place.inside.selector)[place.inside.rank] ?? null;
}

/**
 * Like `replace`, and what was typed or chosen in the controls with an `id`
 * is carried over to the new controls of the same `id`, caret and all: for a
 * panel drawn again while it shows the same object.
 */
export function replaceKeepingInput(parent: Element, ...children: Child[]): void {
  const typed = new Map<string, { value: string; checked: boolean }>();
  for (const control of controls(parent)) {
    typed.set(control.id, { value: control.value, checked: control instanceof HTMLInputElement && control.checked });
  }
  const focused = document.activeElement;
  const caret = focused instanceof HTMLTextAreaElement || focused instanceof HTMLInputElement ? caretOf(focused) : null;
  replace(parent, ...children);
  for (const control of controls(parent)) {
    const was = typed.get(control.id);
    if (!was) continue;
    if (control instanceof HTMLInputElement && (control.type === "checkbox" || control.type === "radio")) {
      control.checked = was.checked;
    } else if (!(control instanceof HTMLSelectElement) || [...control.options].some((o) => o.value === was.value)) {
      control.value = was.value;
    }
  }
  const now = document.activeElement;
  if (caret && (now instanceof HTMLTextAreaElement || now instanceof HTMLInputElement)) {
    try {
      now.setSelectionRange(caret[0], caret[1]);
    } catch {
      // Inputs such as numbers and dates have no caret to put back.
    }
  }
}

type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

function controls(parent: Element): NodeListOf<Control> {
  return parent.querySelectorAll<Control>("input[id], textarea[id], select[id]");
}

function caretOf(control: HTMLInputElement | HTMLTextAreaElement): [number, number] | null {
  try {
    return control.selectionStart === null ? null : [control.selectionStart, control.selectionEnd ?? control.selectionStart];
  } catch {
    return null;
  }
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
