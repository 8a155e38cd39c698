// The sign-in screen: a token, nothing else.

import { t } from "../i18n";
import { h } from "./dom";
import { languageChoice } from "./language";

export function signInView(onToken: (token: string) => Promise<void>, problem?: string): HTMLElement {
  const input = h("input", {
    id: "token",
    name: "token",
    type: "password",
    autocomplete: "off",
    spellcheck: "false",
    required: true,
    "aria-describedby": "token-help",
  });
  const message = h("p", { class: "error", role: "alert" }, problem ?? "");
  const button = h("button", { type: "submit", class: "primary" }, t("signin.submit"));
  const form = h(
    "form",
    {
      class: "signin",
      "aria-labelledby": "signin-title",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const token = input.value.trim();
        if (!token) return;
        button.disabled = true;
        message.textContent = "";
        try {
          await onToken(token);
        } catch (error) {
          message.textContent = error instanceof Error ? error.message : String(error);
          button.disabled = false;
          input.focus();
        }
      },
    },
    h("h1", { id: "signin-title" }, t("signin.title")),
    h("p", {}, t("signin.intro")),
    h("label", { for: "token" }, t("signin.token")),
    input,
    h("small", { id: "token-help" }, t("signin.hint")),
    button,
    message,
    languageChoice(),
  );
  queueMicrotask(() => input.focus());
  return h("main", { class: "signin-page" }, form);
}
