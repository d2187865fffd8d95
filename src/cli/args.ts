// Reads one command's arguments into flags and file arguments, with node:util parseArgs's
// tokens, so every mistake is reported in the user's own terms: an unknown flag with the
// nearest ones it may have meant, a flag whose value is missing (`--epochs --out m.json`), a
// value given to a switch (`--shuffle false`), `--no-X` for a switch that is on by default, and
// a flag given twice with different values (`--out a.json --out b.json`, `--shuffle --no-shuffle`),
// which would otherwise silently keep the last.
import { parseArgs } from 'node:util';
import { distance } from 'fastest-levenshtein';

/** Wrong use of the command line: printed with a pointer to --help, exit 2. */
export class UsageError extends Error {}

export type Flags = Record<string, string | boolean | undefined>;

export interface CommandFlags {
  /** Every flag the command takes, without the dashes and without help, in the order of its help. */
  readonly flags: readonly string[];
  /** The flags that take no value. */
  readonly switches: readonly string[];
  /** Switches that are on by default, so also take `--no-NAME`. */
  readonly negatable: readonly string[];
}

/** Up to this many flags, an unknown flag's message lists them all; past it, only the near ones. */
const LISTED_FLAGS = 8;

/** Words a user may write after a switch as if it took a value. */
const SWITCH_WORDS = /^(true|false|yes|no|on|off|0|1)$/i;

/** A number as a flag's value may be written: a sign, digits, a point, an exponent. */
export const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function parseCommandLine(command: string, args: readonly string[], spec: CommandFlags): { flags: Flags; positionals: string[] } {
  const seeHelp = `(see 'wasm-mlp ${command} --help')`;
  const options: NonNullable<Parameters<typeof parseArgs>[0]>['options'] = { help: { type: 'boolean', short: 'h' } };
  for (const flag of spec.flags) options[flag] = { type: spec.switches.includes(flag) ? 'boolean' : 'string' };
  for (const flag of spec.negatable) options[`no-${flag}`] = { type: 'boolean' };
  const { tokens } = parseArgs({ args: [...args], options, allowPositionals: true, strict: false, tokens: true });
  const flags: Flags = {};
  const positionals: string[] = [];
  let afterSwitch: string | undefined;
  for (const token of tokens) {
    const previousSwitch = afterSwitch;
    afterSwitch = undefined;
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      if (previousSwitch !== undefined && SWITCH_WORDS.test(token.value)) throw takesNoValue(command, previousSwitch, token.value, spec, seeHelp);
      positionals.push(token.value);
      continue;
    }
    const { name, rawName, value, inlineValue } = token;
    const type = options[name]?.type;
    if (type === undefined) throw new UsageError(`${command}: ${unknownFlag(rawName, [...spec.flags, 'help'], spec.negatable)} ${seeHelp}`);
    if (type === 'boolean') {
      if (inlineValue) throw takesNoValue(command, name, value ?? '', spec, seeHelp);
      const negated = name.startsWith('no-') && spec.negatable.includes(name.slice(3));
      const key = negated ? name.slice(3) : name;
      if (flags[key] === negated) throw new UsageError(`${command}: --${key} and --no-${key} contradict each other; give one of them ${seeHelp}`);
      flags[key] = !negated;
      afterSwitch = name;
      continue;
    }
    if (value === undefined) throw new UsageError(`${command}: ${rawName} needs a value ${seeHelp}`);
    // parseArgs takes the next argument as the value whatever it is: an option there means the value was left out.
    // '-' alone is a value: standard output, for --out.
    if (!inlineValue && value !== '-' && value.startsWith('-') && !NUMBER_TEXT.test(value)) {
      const escape = value.startsWith('--') ? '' : ` (write ${rawName}=${value} if that is the value)`;
      throw new UsageError(`${command}: ${rawName} needs a value; got the option '${value}'${escape} ${seeHelp}`);
    }
    if (value === '') throw new UsageError(`${command}: ${rawName} needs a value; got '' ${seeHelp}`);
    const earlier = flags[name];
    if (earlier !== undefined && earlier !== value) throw new UsageError(`${command}: --${name} is given twice, '${earlier}' and '${value}'; give it once ${seeHelp}`);
    flags[name] = value;
  }
  return { flags, positionals };
}

function takesNoValue(command: string, flag: string, value: string, spec: CommandFlags, seeHelp: string): UsageError {
  const name = flag.replace(/^no-/, '');
  const off = spec.negatable.includes(name) ? `; --${name} is on by default, --no-${name} turns it off` : `; leave it out to turn it off`;
  return new UsageError(`${command}: --${flag} takes no value; got '${value}'${flag.startsWith('no-') ? '' : off} ${seeHelp}`);
}

/** The message for an unknown flag: the near ones it may have meant, or every flag when they are few. */
export function unknownFlag(rawName: string, flags: readonly string[], negatable: readonly string[] = []): string {
  const near = nearestFlags(rawName.replace(/^-+/, ''), [...flags, ...negatable.map((f) => `no-${f}`)]);
  const list = (names: string[]) => (names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`);
  if (near.length > 0) return `unknown option '${rawName}'; did you mean ${list(near.map((f) => `--${f}`))}?`;
  if (flags.length <= LISTED_FLAGS) return `unknown option '${rawName}'; expected ${list(flags.map((f) => `--${f}`))}`;
  return `unknown option '${rawName}'; none of the ${flags.length} options is close`;
}

/**
 * The flags `typed` is closest to by edit distance (a slip of a third of its letters at most),
 * or that it is a word or the start of ("--rate" for --learning-rate): at most three, nearest first.
 */
export function nearestFlags(typed: string, flags: readonly string[]): string[] {
  const word = typed.toLowerCase();
  const scored = flags.map((flag) => {
    const d = distance(word, flag);
    const part = word.length >= 3 && (flag.startsWith(word) || flag.split('-').includes(word));
    return { flag, d, close: d <= Math.max(1, Math.floor(flag.length / 3)) || part };
  });
  const close = scored.filter((s) => s.close).sort((a, b) => a.d - b.d);
  if (close.length === 0) return [];
  return close.filter((s) => s.d <= close[0].d + 1).slice(0, 3).map((s) => s.flag);
}
