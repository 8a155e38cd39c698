// The bearer token of this tab: kept in sessionStorage, so it survives a
// reload but not the tab, and is never written anywhere else.

const KEY = "deconflict.token";

export function savedToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function saveToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
}
