// Looking up the page's elements by id, typed, failing loudly when the HTML and the code
// disagree about an id rather than later with "cannot read properties of null".

export function byId<T extends HTMLElement = HTMLElement>(id: string, type?: new () => T): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no element #${id}`);
  if (type && !(element instanceof type)) throw new Error(`#${id} is a <${element.tagName.toLowerCase()}>, not a ${type.name}`);
  return element as T;
}

/** Resolves at the next animation frame: lets the browser paint between chunks of work. */
export const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

/** One line for the status bar from anything thrown (MLPError messages are already one line). */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
