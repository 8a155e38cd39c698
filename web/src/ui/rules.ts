// The rules of the theatre the party may read, and for the coordinator's
// approvers a form to set a new version of one. A rule is typed as the API
// takes it (JSON), so that every rule type can be set from here.

import type { Context } from "../app";
import { utc, words } from "../format";
import { canApprove } from "../store";
import type { RuleVersion } from "../types";
import { field, h, replace } from "./dom";
import { form } from "./forms";

export function rulesPanel(context: Context): HTMLElement {
  const list = h("ul", { class: "rows", "data-testid": "rules" });
  const set = ruleForm(context, () => void refresh());
  let shown: unknown = null;
  const refresh = async () => {
    try {
      const answer = await context.api.rules();
      replace(list, ...answer.rules.filter((r) => r.in_force).map(row));
    } catch {
      // The picture's own reload shows the service's trouble.
    }
  };
  context.store.subscribe((state) => {
    set.hidden = !canApprove(state);
    if (state.view === shown) return;
    shown = state.view;
    void refresh();
  });
  return h("section", { "aria-label": "Rules" }, h("h2", {}, "Rules in force"), list, set);
}

function row(r: RuleVersion): HTMLElement {
  const binds = r.parties.length ? r.parties.join(", ") : "every party";
  return h(
    "li",
    { class: "card", "data-rule": r.name },
    h("strong", {}, `${r.name} v${r.version}: ${r.rule ? words(r.rule.type) : "rescinded"}`),
    h("span", {}, `Binds ${binds}${r.public ? " · public" : ""} · from ${utc(r.effective_from)}`),
    h("span", { class: "quiet" }, r.reason),
  );
}

function ruleForm(context: Context, done: () => void): HTMLElement {
  const name = h("input", { name: "name", required: true, pattern: "[a-z0-9_-]{1,64}" });
  const parties = h("input", { name: "parties", placeholder: "coalition, isf (empty: every party)" });
  const visible = h("input", { name: "public", type: "checkbox" });
  const rule = h("textarea", {
    name: "rule",
    rows: 3,
    spellcheck: "false",
    placeholder: '{"type": "forbid", "kinds": ["ground_operation"]}',
  });
  const reason = h("input", { name: "reason", required: true, maxlength: 2000 });
  const element = form(
    context,
    "Set a rule",
    [
      field("Name", name, "The same name for every version."),
      field("Binds", parties),
      field("Public", visible, "Read by every party, not only the parties named."),
      field(
        "Rule (JSON; empty: rescind)",
        rule,
        "forbid, clearance (replaces the configured list for the parties named), notice, area, priority, reconfirm, respond or limits.",
      ),
      field("Why (logged with it)", reason),
    ],
    "Set",
    async () => {
      const text = rule.value.trim();
      let parsed: unknown = null;
      if (text) {
        try {
          parsed = JSON.parse(text);
        } catch {
          throw new Error("Rule: not JSON");
        }
      }
      const set = await context.api.setRule({
        name: name.value.trim(),
        parties: parties.value
          .split(",")
          .map((p) => p.trim())
          .filter(Boolean),
        public: visible.checked,
        rule: parsed,
        reason: reason.value,
      });
      done();
      return `Rule ${set.name} v${set.version} set`;
    },
  );
  return element;
}
