// The side panel's tabs: notifications, conflicts, objects, incidents, and
// for operators the forms to declare and to submit. Arrow keys move between
// tabs, as WAI-ARIA's tabs pattern has it.

import type { Context } from "../app";
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
  const contents: [string, string, HTMLElement][] = [
    ["notifications", "Notifications", notificationsPanel(context)],
    ["conflicts", "Conflicts", conflictsPanel(context)],
    ["objects", "Objects", objectsPanel(context)],
    ["incidents", "Incidents", incidentsPanel(context)],
    ["rules", "Rules", rulesPanel(context)],
  ];
  if (context.store.state.identity.role === "operator") {
    contents.push(
      ["declare", "Declare", declareForm(context)],
      ["submit", "Submit", submitForm(context)],
      ["stop", "Check fire", stopForm(context)],
    );
  }
  const tabs: Tab[] = contents.map(([id, name, content]) => ({
    id,
    name,
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
      const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
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
  return h("div", { class: "tabs" }, h("div", { role: "tablist", "aria-label": "Panels" }, ...buttons), ...tabs.map((t) => t.panel));
}
