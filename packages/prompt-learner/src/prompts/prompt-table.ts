import {
  MVTEC_AD_CLASSES,
  PROMPTAD_CLASS_NAMES,
  PROMPTAD_CLASS_STATES,
  PROMPTAD_GENERIC_STATES,
  VISA_CLASSES,
} from "./promptad-tables";

/** Marker in a state phrase or template that the class display name replaces. */
export const CLASS_SLOT = "{}";

/** Plain-data form of a prompt table; every field is a fresh copy. */
export interface PromptTableData {
  /** Anomaly state phrases used for every class, each with one `{}`. */
  genericStates: string[];
  /** Class-specific state phrases by class key, appended after the generic ones. */
  classStates: Record<string, string[]>;
  /** Display names of class keys that differ from the key itself. */
  classNames: Record<string, string>;
}

/** One class entry of a {@link PromptTableExtension}. */
export interface PromptClassExtension {
  /** Display name put into prompts; defaults to the existing name or the key. */
  name?: string;
  /** Class-specific state phrases, each with exactly one `{}`. */
  states?: string[];
  /**
   * `true` replaces the class's existing phrases with `states`; `false`
   * (default) appends `states` to them.
   */
  replaceStates?: boolean;
}

/** Classes and phrases a user adds to a table, usually read from a JSON file. */
export interface PromptTableExtension {
  /** Replaces the generic state phrases when present. */
  genericStates?: string[];
  /** New or changed classes by class key. */
  classes?: Record<string, PromptClassExtension>;
}

/**
 * Checks one state phrase or template: a non-empty string with exactly one
 * `{}` and no other braces. Throws an error naming `where` otherwise.
 *
 * @param phrase - Phrase to check, for example `'{} with crack'`.
 * @param where - Location for the error message, for example a file and key.
 */
export function validatePhrase(phrase: unknown, where: string): string {
  if (typeof phrase !== "string" || phrase.trim() === "") {
    throw new Error(
      `${where}: expected a non-empty phrase string, got ${JSON.stringify(phrase)}`,
    );
  }
  const slots = phrase.split(CLASS_SLOT).length - 1;
  const braces = phrase.replaceAll(CLASS_SLOT, "").search(/[{}]/);
  if (slots !== 1 || braces !== -1) {
    throw new Error(
      `${where}: expected exactly one "${CLASS_SLOT}" for the class name and no ` +
        `other braces, got ${JSON.stringify(phrase)}; write it like "{} with crack"`,
    );
  }
  return phrase;
}

/**
 * Fills the `{}` slot of a phrase with a class display name.
 *
 * @example
 * ```ts
 * fillClassSlot('{} with crack', 'metal nut'); // 'metal nut with crack'
 * ```
 */
export function fillClassSlot(phrase: string, displayName: string): string {
  return phrase.replace(CLASS_SLOT, displayName);
}

/**
 * Anomaly state phrases and class display names, by class key.
 *
 * Instances are immutable: {@link PromptTable.extend} returns a new table and
 * every getter returns a copy.
 */
export class PromptTable {
  private readonly data: PromptTableData;

  private constructor(data: PromptTableData) {
    this.data = data;
  }

  /**
   * Creates PromptAD's table: 8 generic phrases, class-specific phrases for the
   * 15 MVTec AD and 12 VisA classes, and its class-name mapping.
   */
  static promptad(): PromptTable {
    const classStates: Record<string, string[]> = {};
    for (const [key, states] of Object.entries(PROMPTAD_CLASS_STATES)) {
      classStates[key] = [...states];
    }
    return new PromptTable({
      genericStates: [...PROMPTAD_GENERIC_STATES],
      classStates,
      classNames: { ...PROMPTAD_CLASS_NAMES },
    });
  }

  /**
   * Creates a table from plain data after validating every phrase.
   *
   * @param data - Table contents; copied, so later changes to it do not leak in.
   * @param source - Name used in error messages, for example a file path.
   */
  static fromData(data: PromptTableData, source = "prompt table"): PromptTable {
    const table = new PromptTable({
      genericStates: [],
      classStates: {},
      classNames: {},
    });
    return table.extend(
      {
        genericStates: data.genericStates,
        classes: Object.fromEntries(
          unionKeys(data.classStates, data.classNames).map((key) => [
            key,
            {
              name: data.classNames[key],
              states: data.classStates[key] ?? [],
              replaceStates: true,
            },
          ]),
        ),
      },
      source,
    );
  }

  /** PromptAD's MVTec AD class keys, in alphabetical order. */
  static mvtecAdClasses(): string[] {
    return [...MVTEC_AD_CLASSES];
  }

  /** PromptAD's VisA class keys, in alphabetical order. */
  static visaClasses(): string[] {
    return [...VISA_CLASSES];
  }

  /**
   * Returns a new table with the extension applied; this table is unchanged.
   *
   * @param extension - Classes and phrases to add (see {@link PromptTableExtension}).
   * @param source - Name used in error messages, for example the JSON file path.
   */
  extend(
    extension: PromptTableExtension,
    source = "prompt table",
  ): PromptTable {
    const next = this.toData();
    if (extension.genericStates !== undefined) {
      next.genericStates = extension.genericStates.map((phrase, i) =>
        validatePhrase(phrase, `${source}: genericStates[${i}]`),
      );
    }
    for (const [key, entry] of Object.entries(extension.classes ?? {})) {
      validateClassKey(key, source);
      const where = `${source}: classes.${key}`;
      if (entry.name !== undefined) {
        next.classNames[key] = validateDisplayName(entry.name, `${where}.name`);
      }
      const states = (entry.states ?? []).map((phrase, i) =>
        validatePhrase(phrase, `${where}.states[${i}]`),
      );
      const existing = entry.replaceStates ? [] : (next.classStates[key] ?? []);
      next.classStates[key] = [...existing, ...states];
    }
    return new PromptTable(next);
  }

  /** Class keys that have phrases or a display name, sorted. */
  classKeys(): string[] {
    return unionKeys(this.data.classStates, this.data.classNames).sort();
  }

  /** Returns whether the table has phrases or a display name for `classKey`. */
  hasClass(classKey: string): boolean {
    return (
      Object.hasOwn(this.data.classStates, classKey) ||
      Object.hasOwn(this.data.classNames, classKey)
    );
  }

  /**
   * Returns the name put into prompts for a class key: the mapped name
   * (`metal_nut` → "metal nut") or the key itself.
   */
  displayName(classKey: string): string {
    return Object.hasOwn(this.data.classNames, classKey)
      ? this.data.classNames[classKey]
      : classKey;
  }

  /** Generic anomaly state phrases, in table order. */
  genericStates(): string[] {
    return [...this.data.genericStates];
  }

  /**
   * Returns the class-specific phrases of a class.
   *
   * @throws Error when the table has no entry for the class. Add it with a
   * prompt-table JSON file, where an empty `states` list means generic
   * phrases only.
   */
  classStates(classKey: string): string[] {
    if (!this.hasClass(classKey)) {
      throw new Error(
        `no anomaly state phrases for class "${classKey}"; known classes: ` +
          `${this.classKeys().join(", ")}. Add the class in a prompt-table JSON ` +
          `file, for example {"classes": {"${classKey}": {"states": []}}}`,
      );
    }
    return [...(this.data.classStates[classKey] ?? [])];
  }

  /** Generic phrases followed by the class-specific ones, as PromptAD orders them. */
  anomalyStates(classKey: string): string[] {
    return [...this.genericStates(), ...this.classStates(classKey)];
  }

  /** Returns a deep copy of the table contents. */
  toData(): PromptTableData {
    const classStates: Record<string, string[]> = {};
    for (const [key, states] of Object.entries(this.data.classStates)) {
      classStates[key] = [...states];
    }
    return {
      genericStates: [...this.data.genericStates],
      classStates,
      classNames: { ...this.data.classNames },
    };
  }
}

function unionKeys(...records: object[]): string[] {
  return [...new Set(records.flatMap((record) => Object.keys(record)))];
}

function validateClassKey(key: string, source: string): void {
  if (!/^\S+$/.test(key)) {
    throw new Error(
      `${source}: invalid class key ${JSON.stringify(key)}; use the dataset's ` +
        `folder name without spaces, for example "metal_nut"`,
    );
  }
}

function validateDisplayName(name: unknown, where: string): string {
  if (typeof name !== "string" || name.trim() === "" || /[{}]/.test(name)) {
    throw new Error(
      `${where}: expected a non-empty class name without braces, got ${JSON.stringify(name)}`,
    );
  }
  return name;
}
