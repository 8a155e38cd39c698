// Who the signed-in credential is: its party, its role, whether its party is
// the coordinator.
//
// The API has no "who am I" endpoint yet, so this is read from what the
// credential is allowed to do and to see:
//
// - the role, from the refusal of an approver's command on a made-up id
//   (`POST /v1/activities/act_000000000000/clear`): the model checks the role
//   before anything else and names it ("a viewer may not clear"); an
//   approver is refused later, for the id. A refused command is never logged.
// - the party, from the objects it owns: a non-coordinator sees no private
//   object but its own, and its own side of a conflict comes first; the
//   coordinator is the party that sees the private objects of several
//   parties, and the one that judged incidents.
//
// When the API grows a who-am-I endpoint, this module is the one to change.

import { Api, ApiError } from "./api";
import type { Incident, Role, StateView } from "./types";

export interface Identity {
  /** `null` while nothing the party owns or did is in sight. */
  party: string | null;
  role: Role | null;
  coordinator: boolean;
}

const MADE_UP_ACTIVITY = "act_000000000000";
const ROLES: Role[] = ["viewer", "operator", "approver", "auditor"];

/** The role, and whether the role proves the party is the coordinator. */
export async function probeRole(api: Api): Promise<{ role: Role | null; coordinator: boolean }> {
  try {
    await api.act(MADE_UP_ACTIVITY, "clear");
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.code === "unauthenticated") throw error;
    if (error.code === "role_forbidden") {
      const named = /^an? (\w+) may not/.exec(error.problem.detail)?.[1];
      return { role: ROLES.find((r) => r === named) ?? null, coordinator: false };
    }
    if (error.code === "not_coordinator") return { role: "approver", coordinator: false };
  }
  // Past the role check: only the coordinator's approvers get there.
  return { role: "approver", coordinator: true };
}

/** The party and whether it coordinates, read from the credential's view. */
export function readParty(view: StateView, incidents: Incident[], knownCoordinator: boolean): Omit<Identity, "role"> {
  const privateOwners = new Set([
    ...view.declarations.filter((d) => d.visibility === "private").map((d) => d.owner),
    ...view.activities.map((a) => a.owner),
  ]);
  const coordinator = knownCoordinator || privateOwners.size > 1;
  if (coordinator) {
    const judge = incidents
      .flatMap((i) => i.history)
      .find((change) => ["credible", "not_credible", "duplicate"].includes(change.status));
    return { party: judge?.party ?? null, coordinator };
  }
  const [owner] = privateOwners;
  const ownSide = view.conflicts.map((c) => c.sides[0]).find((s) => s.view === "full" && s.party);
  return { party: owner ?? ownSide?.party ?? null, coordinator };
}
