// The sign-in screen: a token, nothing else.

import { h } from "./dom";

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
  const button = h("button", { type: "submit", class: "primary" }, "Sign in");
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
    h("h1", { id: "signin-title" }, "deconflict console"),
    h("p", {}, "Sign in with the token your party issued you. It stays in this tab only."),
    h("label", { for: "token" }, "Token"),
    input,
    h("small", { id: "token-help" }, "A token starts with dcf_. The demo prints one for each party and role."),
    button,
    message,
  );
  queueMicrotask(() => input.focus());
  return h("main", { class: "signin-page" }, form);
}
