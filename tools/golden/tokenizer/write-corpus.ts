/**
 * Writes corpus.json, the texts whose CLIP token ids the tokenizer tests pin:
 * every PromptAD prompt phrase filled with every MVTec AD and VisA class
 * name, plus hand-picked hard cases. Run with `npx tsx`.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";

import { PromptTable } from "../../../packages/prompt-learner/src";

const table = PromptTable.promptad();
const classKeys = [
  ...PromptTable.mvtecAdClasses(),
  ...PromptTable.visaClasses(),
];

const promptTexts: string[] = [];
for (const key of classKeys) {
  const name = table.displayName(key);
  promptTexts.push(name, `${name}.`, `a photo of a ${name}.`);
  promptTexts.push(
    `a photo of a normal ${name}.`,
    `a photo of a defective ${name}.`,
  );
  for (const state of table.anomalyStates(key)) {
    promptTexts.push(
      state.replace("{}", name),
      `${state.replace("{}", name)}.`,
    );
    // PromptAD prefixes learnable context tokens written as "N".
    promptTexts.push(`N N N N ${state.replace("{}", name)}.`);
  }
  promptTexts.push(`N N N N ${name}.`, `N N N N A ${name}.`);
}

const words = "the quick brown fox jumps over the lazy dog while 12 cats watch";
const hardCases = [
  "a photo of a cat.",
  "A Photo Of A CAT.",
  "  leading and trailing   spaces  ",
  "tabs\tand\nnewlines\r\nand\u00a0no-break\u3000spaces",
  "it's, they're, we've, I'm, you'll, he'd, can't",
  "Hello, World!!! ... ?!? (parens) [brackets] {braces} <angle>",
  "#hashtag @mention $100 50% a+b=c x*y a/b c\\d ~tilde ^caret |pipe|",
  "1234567890 3.14159 -42 1e-3 0x1F 2024-12-04 10:30",
  "café naïve résumé Zürich São Paulo",
  "Ελληνικά ΣΑΣ Русский текст",
  "日本語のテキスト 中文文本 한국어",
  "emoji 🙂😀👍🏽 👨‍👩‍👧 🇩🇪",
  "ﬁne ﬂower ﬀ ﬃ ĳ",
  "ｆｕｌｌｗｉｄｔｈ　ＡＢＣ　１２３！",
  "\u2018curly\u2019 \u201cquotes\u201d and \u02bcmodifier",
  "Caf\u0065\u0301 combining accent",
  "İstanbul ǅ ß straße",
  "zero\u200bwidth joiner\u200d and soft\u00adhyphen",
  "control\u0001chars\u007fand\ufeffbom",
  "entities: &amp; &lt;tag&gt; &quot;q&quot; &#39;s &#x41; &nbsp;x &eacute; &amp;amp; &notin; &unknown;",
  "double &amp;lt; escaped",
  "special <|endoftext|> inside and <|startoftext|> too",
  "ALL CAPS <|ENDOFTEXT|>",
  "",
  "   ",
  "!",
  "a",
  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  "supercalifragilisticexpialidocious antidisestablishmentarianism",
  "pneumonoultramicroscopicsilicovolcanoconiosis",
  Array.from({ length: 8 }, () => words).join(" "),
  Array.from({ length: 75 }, (_, i) => `w${i}`).join(" "),
  Array.from({ length: 74 }, () => "a").join(" "),
  Array.from({ length: 75 }, () => "a").join(" "),
  Array.from({ length: 76 }, () => "a").join(" "),
  "🙂".repeat(40),
];

const corpus = [...new Set([...hardCases, ...promptTexts])];
const file = join(__dirname, "corpus.json");
writeFileSync(file, `${JSON.stringify(corpus, null, 1)}\n`);
process.stdout.write(`wrote ${corpus.length} texts to ${file}\n`);
