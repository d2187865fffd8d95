// The ten class probabilities of the drawn digit as labelled bars, the most likely marked,
// and the prediction in words.
import { DIGIT_CLASSES } from '../../bench/digits.ts';

export class ProbabilityBars {
  readonly #bars: HTMLElement[] = [];
  readonly #values: HTMLElement[] = [];
  readonly #rows: HTMLElement[] = [];
  readonly #prediction: HTMLElement;

  constructor(list: HTMLElement, prediction: HTMLElement) {
    this.#prediction = prediction;
    for (let digit = 0; digit < DIGIT_CLASSES; digit++) {
      const row = document.createElement('li');
      row.dataset.digit = String(digit);
      const label = document.createElement('span');
      label.className = 'digit';
      label.textContent = String(digit);
      const track = document.createElement('span');
      track.className = 'track';
      const bar = document.createElement('span');
      bar.className = 'bar';
      track.append(bar);
      const value = document.createElement('span');
      value.className = 'value';
      row.append(label, track, value);
      list.append(row);
      this.#rows.push(row);
      this.#bars.push(bar);
      this.#values.push(value);
    }
    this.show(null, 'Draw a digit in the box.');
  }

  /** Shows the probabilities, or empty bars and `message` when there are none. */
  show(probabilities: ArrayLike<number> | null, message = ''): void {
    let best = -1;
    for (let digit = 0; digit < DIGIT_CLASSES; digit++) {
      const p = probabilities ? probabilities[digit] : 0;
      if (probabilities && (best < 0 || p > probabilities[best])) best = digit;
      this.#bars[digit].style.width = `${(100 * p).toFixed(1)}%`;
      this.#values[digit].textContent = probabilities ? `${(100 * p).toFixed(1)}%` : '';
    }
    this.#rows.forEach((row, digit) => row.classList.toggle('best', digit === best));
    this.#prediction.dataset.digit = best < 0 ? '' : String(best);
    this.#prediction.textContent = best < 0 ? message : `It is a ${best}.`;
  }
}
