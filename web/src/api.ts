// The one door to the HTTP API: every call carries the bearer token, every
// refusal becomes an `ApiError` holding the server's problem+json, told in
// the console's own words for its code (the service's `detail` is English;
// the English console adds it, being the reader's language).

import { locale, has, t } from "./i18n";
import type {
  Activity,
  Challenge,
  Conflict,
  Declaration,
  EvidenceBundle,
  Incident,
  MapGround,
  Page,
  Problem,
  RuleVersion,
  Rules,
  Standing,
  StandingAlert,
  StateView,
  Stop,
} from "./types";

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(describe(problem));
  }
}

/** The console's message for a refusal: its code's, naming the field at fault. */
function describe(problem: Problem): string {
  const key = `problem.${problem.code}`;
  let message = has(key) ? t(key, { status: problem.status }) : t("problem.other", { code: problem.code });
  if (locale() === "en") message = t("problem.with_detail", { message, detail: problem.detail });
  return problem.field ? t("problem.field", { message, field: problem.field }) : message;
}

export class Api {
  constructor(private readonly token: string) {}

  /** Sends a request; resolves with the parsed JSON body. */
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.send(method, path, body);
    return (await response.json()) as T;
  }

  /** Sends a request; resolves with the response once its status is a success. */
  async send(
    method: string,
    path: string,
    body?: unknown,
    extra: HeadersInit = {},
    signal?: AbortSignal,
    cache: RequestCache = "no-store",
  ): Promise<Response> {
    const headers = new Headers(extra);
    headers.set("Authorization", `Bearer ${this.token}`);
    if (body !== undefined) headers.set("Content-Type", "application/json");
    const response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      cache,
      signal: signal ?? null,
    });
    if (!response.ok) throw new ApiError(await problemOf(response));
    return response;
  }

  state(asOf?: Date): Promise<StateView> {
    const query = asOf ? `?as_of=${encodeURIComponent(asOf.toISOString())}` : "";
    return this.call("GET", `/v1/state${query}`);
  }

  /** What to draw under the shapes: the deployment's tile source, if any. */
  map(): Promise<MapGround> {
    return this.call("GET", "/v1/map");
  }

  /** An image the service serves behind the token (a tile), cached as its answer allows. */
  async image(path: string, signal: AbortSignal): Promise<Blob> {
    return (await this.send("GET", path, undefined, {}, signal, "default")).blob();
  }

  standing(): Promise<Standing> {
    return this.call("GET", "/v1/alerts");
  }

  acknowledgeAlert(alert: string): Promise<StandingAlert> {
    return this.call("POST", `/v1/alerts/${encodeURIComponent(alert)}/acknowledge`, {});
  }

  async incidents(): Promise<Incident[]> {
    return (await this.call<Page<Incident>>("GET", "/v1/incidents")).items;
  }

  evidence(id: string): Promise<EvidenceBundle> {
    return this.call("GET", `/v1/incidents/${encodeURIComponent(id)}/evidence`);
  }

  declare(body: object): Promise<{ id: string; version: number; conflicts: Conflict[] }> {
    return this.call("POST", "/v1/declarations", body);
  }

  submit(body: object): Promise<{ id: string; state: string; conflicts: Conflict[] }> {
    return this.call("POST", "/v1/activities", body);
  }

  report(body: object): Promise<Incident> {
    return this.call("POST", "/v1/incidents", body);
  }

  /** clear, hold, deny, start, complete, cancel. */
  act(activity: string, verb: ActivityVerb, reason?: string): Promise<Activity> {
    const body = reason === undefined ? {} : { reason };
    return this.call("POST", `/v1/activities/${encodeURIComponent(activity)}/${verb}`, body);
  }

  rules(): Promise<Rules> {
    return this.call("GET", "/v1/rules");
  }

  setRule(body: object): Promise<RuleVersion> {
    return this.call("POST", "/v1/rules", body);
  }

  reconfirm(declaration: string): Promise<Declaration> {
    return this.call("POST", `/v1/declarations/${encodeURIComponent(declaration)}/reconfirm`, {});
  }

  challenge(declaration: string, grounds: string): Promise<Challenge> {
    return this.call("POST", `/v1/declarations/${encodeURIComponent(declaration)}/challenges`, { grounds });
  }

  answerChallenge(challenge: string, answer: string): Promise<Challenge> {
    return this.call("POST", `/v1/challenges/${encodeURIComponent(challenge)}/answer`, { answer });
  }

  ruleChallenge(challenge: string, ruling: string, reason: string, name_challenger: boolean): Promise<Challenge> {
    return this.call("POST", `/v1/challenges/${encodeURIComponent(challenge)}/ruling`, { ruling, reason, name_challenger });
  }

  raiseStop(body: object): Promise<Stop> {
    return this.call("POST", "/v1/stops", body);
  }

  acknowledgeStop(stop: string): Promise<Stop> {
    return this.call("POST", `/v1/stops/${encodeURIComponent(stop)}/acknowledge`, {});
  }

  acknowledge(conflict: string): Promise<Conflict> {
    return this.call("POST", `/v1/conflicts/${encodeURIComponent(conflict)}/acknowledge`, {});
  }
}

export type ActivityVerb = "clear" | "hold" | "deny" | "start" | "complete" | "cancel";

async function problemOf(response: Response): Promise<Problem> {
  try {
    const body = (await response.json()) as Partial<Problem>;
    if (typeof body.code === "string" && typeof body.detail === "string") return body as Problem;
  } catch {
    // Not problem+json: described below.
  }
  return {
    type: "about:blank",
    title: response.statusText,
    status: response.status,
    detail: `the service answered ${response.status} ${response.statusText}`,
    code: "http_error",
  };
}
