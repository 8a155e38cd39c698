// The rules of the theatre the party may read, and for the coordinator's
// approvers a form to set a new version of one. A rule is typed as the API
// takes it (JSON), so that every rule type can be set from here.

import type { Context } from "../app";
import { utc } from "../format";
import { t, term } from "../i18n";
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
  return h("section", { "aria-label": t("rules.label") }, h("h2", {}, t("rules.in_force")), list, set);
}

function row(r: RuleVersion): HTMLElement {
  const parties = r.parties.length ? r.parties.join(", ") : t("rules.every_party");
  const type = r.rule ? term("rule_type", r.rule.type) : t("rules.rescinded");
  return h(
    "li",
    { class: "card", "data-rule": r.name },
    h("strong", {}, t("rules.title", { name: r.name, version: r.version, type })),
    h("span", {}, t(r.public ? "rules.binds_public" : "rules.binds", { parties, time: utc(r.effective_from) })),
    h("span", { class: "quiet" }, r.reason),
  );
}

function ruleForm(context: Context, done: () => void): HTMLElement {
  const name = h("input", { name: "name", required: true, pattern: "[a-z0-9_-]{1,64}" });
  const parties = h("input", { name: "parties", placeholder: t("rules.parties_placeholder") });
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
    t("rules.set_title"),
    [
      field(t("rules.name"), name, t("rules.name_hint")),
      field(t("rules.parties"), parties),
      field(t("rules.public"), visible, t("rules.public_hint")),
      field(t("rules.rule"), rule, t("rules.rule_hint")),
      field(t("rules.why"), reason),
    ],
    t("rules.set"),
    async () => {
      const text = rule.value.trim();
      let parsed: unknown = null;
      if (text) {
        try {
          parsed = JSON.parse(text);
        } catch {
          throw new Error(t("rules.not_json"));
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
      return t("rules.done", { name: set.name, version: set.version });
    },
  );
  return element;
}
