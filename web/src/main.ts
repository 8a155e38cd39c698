// The console's entry: sign in with a token (or the one this tab kept),
// then the console.

import { start } from "./app";
import { applyToDocument } from "./i18n";
import { forgetToken, saveToken, savedToken } from "./session";
import { signInView } from "./ui/signin";

const root = document.getElementById("app");
if (!root) throw new Error("index.html has no #app");
applyToDocument();

function signOut(): void {
  forgetToken();
  showSignIn();
}

function showSignIn(problem?: string): void {
  document.body.className = "";
  root!.replaceChildren(
    signInView(async (token) => {
      await start(token, root!, signOut);
      saveToken(token);
    }, problem),
  );
}

const kept = savedToken();
if (kept) {
  start(kept, root, signOut).catch((error: unknown) => {
    forgetToken();
    showSignIn(error instanceof Error ? error.message : String(error));
  });
} else {
  showSignIn();
}
