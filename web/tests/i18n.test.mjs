// The message catalogues: every language has every message, each message
// is valid ICU with the same placeholders as the English, plurals take each
// language's forms, and nothing is left in English where it should not be.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { IntlMessageFormat } from "intl-messageformat";

const here = dirname(fileURLToPath(import.meta.url));
const catalogue = (code) => JSON.parse(readFileSync(join(here, "../src/i18n", `${code}.json`), "utf8"));
const en = catalogue("en");
const OTHERS = { ar: catalogue("ar"), ckb: catalogue("ckb") };

const LITERAL = 0;
const POUND = 7;

/** Calls `visit` with every element of a message's syntax tree, plural and select forms included. */
function walk(message, locale, visit) {
  const each = (elements) => {
    for (const element of elements) {
      visit(element);
      for (const option of Object.values(element.options ?? {})) each(option.value);
    }
  };
  each(new IntlMessageFormat(message, locale).getAst());
}

/** The names a message puts in. */
function placeholders(message, locale) {
  const names = new Set();
  walk(message, locale, (e) => e.type !== LITERAL && e.type !== POUND && names.add(e.value));
  return [...names].sort();
}

/** The text a message writes itself, placeholders left out. */
function literals(message, locale) {
  const parts = [];
  walk(message, locale, (e) => e.type === LITERAL && parts.push(e.value));
  return parts.join(" ");
}

for (const [code, messages] of Object.entries(OTHERS)) {
  test(`${code} has exactly the English catalogue's messages`, () => {
    assert.deepEqual(Object.keys(messages).sort(), Object.keys(en).sort());
  });

  test(`${code}'s messages parse and put in what the English puts in`, () => {
    for (const [key, message] of Object.entries(messages)) {
      assert.deepEqual(placeholders(message, code), placeholders(en[key], "en"), key);
    }
  });

  test(`${code} leaves no English words in its messages`, () => {
    // Names that are the same in every language: the product, standards,
    // data sources, API values the rules form takes as typed, party codes in an example.
    const KEPT =
      /\b(deconflict|verify|dcf_|UTC|MGRS|CoT|JSON|webhook|English|Natural Earth|GSHHG|WDBII|LGPL|GeoNames|CC BY|B2|coalition|isf|forbid|clearance|notice|area|priority|reconfirm|respond|limits)\b/g;
    for (const [key, message] of Object.entries(messages)) {
      const text = literals(message, code).replace(KEPT, "");
      assert.doesNotMatch(text, /[A-Za-z]{3,}/, `${key}: ${message}`);
    }
  });
}

test("Arabic plurals take the dual and the few", () => {
  const summary = (total) => new IntlMessageFormat(OTHERS.ar["conflicts.summary"], "ar").format({ shown: 1, total });
  assert.match(summary(1), /تعارض واحد/);
  assert.match(summary(2), /تعارضين/);
  assert.match(summary(3), /3 تعارضات/);
  assert.match(summary(11), /11 تعارضاً/);
  assert.match(summary(100), /100 تعارض$/);
});

test("an English count of one is singular", () => {
  const raised = (count) => new IntlMessageFormat(en["forms.stop_raised"], "en").format({ id: "stp_1", count });
  assert.equal(raised(1), "Check fire stp_1 raised: 1 activity held");
  assert.equal(raised(2), "Check fire stp_1 raised: 2 activities held");
});
