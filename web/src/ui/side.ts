// The side panel's tabs: notifications, conflicts, objects, incidents, and
// for operators the forms to declare and to submit. Arrow keys move between
// tabs, as WAI-ARIA's tabs pattern has it.

import type { Context } from "../app";
import { type MessageKey, rightToLeft, t } from "../i18n";
import { canOperate } from "../store";
import { conflictsPanel } from "./conflicts";
import { h } from "./dom";
import { declareForm, stopForm, submitForm } from "./forms";
import { rulesPanel } from "./rules";
import { incidentsPanel } from "./incidents";
import { notificationsPanel, unattended } from "./notifications";
import { objectsPanel } from "./objects";

interface Tab {
  id: string;
  name: string;
  panel: HTMLElement;
}

export function sidePanel(context: Context): HTMLElement {
  const contents: [string, MessageKey, HTMLElement][] = [
    ["notifications", "tabs.notifications", notificationsPanel(context)],
    ["conflicts", "tabs.conflicts", conflictsPanel(context)],
    ["objects", "tabs.objects", objectsPanel(context)],
    ["incidents", "tabs.incidents", incidentsPanel(context)],
    ["rules", "tabs.rules", rulesPanel(context)],
  ];
  if (context.store.state.identity.role === "operator") {
    contents.push(
      ["declare", "tabs.declare", declareForm(context)],
      ["submit", "tabs.submit", submitForm(context)],
      ["stop", "tabs.stop", stopForm(context)],
    );
  }
  const tabs: Tab[] = contents.map(([id, name, content]) => ({
    id,
    name: t(name),
    panel: h("div", { id: `panel-${id}`, role: "tabpanel", "aria-labelledby": `tab-${id}`, class: "panel" }, content),
  }));
  const buttons = tabs.map((tab) =>
    h(
      "button",
      {
        type: "button",
        role: "tab",
        id: `tab-${tab.id}`,
        "aria-controls": `panel-${tab.id}`,
        "data-tab": tab.id,
      },
      tab.name,
    ),
  );
  const choose = (index: number, focus: boolean): void => {
    tabs.forEach((tab, i) => {
      const chosen = i === index;
      buttons[i]?.setAttribute("aria-selected", String(chosen));
      buttons[i]?.setAttribute("tabindex", chosen ? "0" : "-1");
      tab.panel.hidden = !chosen;
    });
    if (focus) buttons[index]?.focus();
  };
  buttons.forEach((button, i) => {
    button.addEventListener("click", () => choose(i, false));
    button.addEventListener("keydown", (e: KeyboardEvent) => {
      // The next tab is the one after in reading order: to the left in Arabic and Kurdish.
      const forward = rightToLeft() ? "ArrowLeft" : "ArrowRight";
      const back = rightToLeft() ? "ArrowRight" : "ArrowLeft";
      const step = e.key === forward ? 1 : e.key === back ? -1 : 0;
      if (step !== 0) choose((i + step + tabs.length) % tabs.length, true);
    });
  });
  const count = h("span", { class: "count", "data-testid": "unattended" });
  buttons[0]?.append(count);
  context.store.subscribe((state) => {
    const n = unattended(state);
    count.textContent = n > 0 ? String(n) : "";
    count.classList.toggle("urgent", n > 0);
    for (const tab of ["declare", "submit"]) {
      const panel = tabs.find((t) => t.id === tab)?.panel;
      panel?.classList.toggle("disabled", !canOperate(state));
    }
  });
  choose(0, false);
  return h("div", { class: "tabs" }, h("div", { role: "tablist", "aria-label": t("app.panels") }, ...buttons), ...tabs.map((t) => t.panel));
}
