/**
 * Builds CLIP's (and GPT-2's) reversible map from the 256 byte values to
 * printable characters. Bytes that are printable Latin-1 characters (`!`–`~`,
 * `¡`–`¬`, `®`–`ÿ`) map to themselves; the other 68 bytes map, in increasing
 * order, to U+0100 onwards. BPE then works on strings without whitespace or
 * control characters.
 *
 * Source: `bytes_to_unicode` in OpenAI CLIP `clip/simple_tokenizer.py`.
 *
 * @returns `table[byte]` is the character of that byte; every entry is one
 *   UTF-16 code unit.
 */
export function byteToUnicodeTable(): string[] {
  const table: string[] = new Array<string>(256);
  const printable = (byte: number): boolean =>
    (byte >= 0x21 && byte <= 0x7e) ||
    (byte >= 0xa1 && byte <= 0xac) ||
    (byte >= 0xae && byte <= 0xff);

  let next = 256;
  for (let byte = 0; byte < 256; byte++) {
    table[byte] = String.fromCharCode(printable(byte) ? byte : next++);
  }
  return table;
}

/**
 * Lists the 256 byte characters in CLIP's vocabulary order: the printable
 * bytes in increasing order first, then the remapped ones. This order, not
 * byte order, gives the first 256 token ids.
 *
 * @returns 256 single-character strings.
 */
export function byteCharactersInVocabularyOrder(): string[] {
  const table = byteToUnicodeTable();
  const printable: string[] = [];
  const remapped: string[] = [];
  for (let byte = 0; byte < 256; byte++) {
    const character = table[byte];
    if (character.charCodeAt(0) === byte) {
      printable.push(character);
    } else {
      remapped.push(character);
    }
  }
  return [...printable, ...remapped];
}
