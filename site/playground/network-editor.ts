// The hidden-layer editor: one row per hidden layer (its width and activation), a button to
// add a layer and one per row to remove it. It owns the list and reports every change.
import { HIDDEN_ACTIVATIONS, MAX_HIDDEN_LAYERS, MAX_WIDTH, type HiddenActivation, type HiddenLayer } from './architecture.ts';

export class NetworkEditor {
  #layers: HiddenLayer[];
  readonly #list: HTMLOListElement;
  readonly #add: HTMLButtonElement;
  readonly #onChange: (layers: HiddenLayer[]) => void;

  constructor(container: HTMLElement, initial: HiddenLayer[], onChange: (layers: HiddenLayer[]) => void) {
    this.#layers = initial.map((l) => ({ ...l }));
    this.#onChange = onChange;
    this.#list = document.createElement('ol');
    this.#list.className = 'layers';
    this.#add = document.createElement('button');
    this.#add.type = 'button';
    this.#add.className = 'add-layer';
    this.#add.textContent = '+ hidden layer';
    this.#add.addEventListener('click', () => {
      const last = this.#layers[this.#layers.length - 1];
      this.#change([...this.#layers, { width: last?.width ?? 4, activation: last?.activation ?? 'tanh' }]);
    });
    container.append(this.#list, this.#add);
    this.#render();
  }

  get layers(): HiddenLayer[] {
    return this.#layers.map((l) => ({ ...l }));
  }

  /** Shows `layers` without reporting a change (a loaded model sets them). */
  set(layers: HiddenLayer[]): void {
    this.#layers = layers.map((l) => ({ ...l }));
    this.#render();
  }

  #change(layers: HiddenLayer[]): void {
    this.#layers = layers;
    this.#render();
    this.#onChange(this.layers);
  }

  #render(): void {
    this.#list.replaceChildren(...this.#layers.map((layer, i) => this.#row(layer, i)));
    this.#add.disabled = this.#layers.length >= MAX_HIDDEN_LAYERS;
  }

  #row(layer: HiddenLayer, i: number): HTMLLIElement {
    const update = (patch: Partial<HiddenLayer>) => this.#change(this.#layers.map((l, j) => (j === i ? { ...l, ...patch } : l)));
    const li = document.createElement('li');
    const name = document.createElement('span');
    name.className = 'layer-name';
    name.textContent = `Hidden ${i + 1}`;

    const width = document.createElement('span');
    width.className = 'stepper';
    const minus = button('−', `fewer neurons in hidden layer ${i + 1}`, () => update({ width: layer.width - 1 }));
    const plus = button('+', `more neurons in hidden layer ${i + 1}`, () => update({ width: layer.width + 1 }));
    minus.disabled = layer.width <= 1;
    plus.disabled = layer.width >= MAX_WIDTH;
    const count = document.createElement('output');
    count.textContent = String(layer.width);
    count.setAttribute('aria-label', `neurons in hidden layer ${i + 1}`);
    width.append(minus, count, plus);

    const activation = document.createElement('select');
    activation.setAttribute('aria-label', `activation of hidden layer ${i + 1}`);
    for (const [value, label] of Object.entries(HIDDEN_ACTIVATIONS)) activation.add(new Option(label, value, false, value === layer.activation));
    activation.addEventListener('change', () => update({ activation: activation.value as HiddenActivation }));

    const remove = button('×', `remove hidden layer ${i + 1}`, () => this.#change(this.#layers.filter((_, j) => j !== i)));
    remove.className = 'remove';
    li.append(name, width, activation, remove);
    return li;
  }
}

function button(text: string, label: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.setAttribute('aria-label', label);
  b.title = label;
  b.addEventListener('click', onClick);
  return b;
}
