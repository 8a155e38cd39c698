// Who the signed-in credential is, as the service says (`GET /v1/me`): its
// party, its role, whether its party is the coordinator.

import { type Api, ApiError } from "./api";
import { t } from "./i18n";
import type { Role } from "./types";

export interface Identity {
  party: string;
  role: Role;
  coordinator: boolean;
  credential_id: string;
}

/** Asks the service who the token is; a token it does not know is refused with a message for the sign-in form. */
export async function identify(api: Api): Promise<Identity> {
  try {
    return await api.call<Identity>("GET", "/v1/me");
  } catch (error) {
    if (error instanceof ApiError && error.problem.status === 401) {
      throw new Error(t("signin.refused"));
    }
    throw error;
  }
}
