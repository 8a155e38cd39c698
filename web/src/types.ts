// The JSON the API speaks, as the console reads it: the server's own schemas
// (`api.gen.ts`, generated from /v1/openapi.json by `npm run types`), under
// the names the console gives them.

import type { components } from "./api.gen";

type Schemas = components["schemas"];

export type Geometry = Schemas["Geometry"];

/** `[longitude, latitude]`, as GeoJSON writes it. */
export type Position = [number, number];

export type Role = Schemas["Me"]["role"];
export type Tracking = Schemas["Tracking"];
export type Track = Schemas["Track"];
export type Declaration = Schemas["Declaration"];
export type Transition = Schemas["Transition"];
export type ActivityState = Schemas["ActivityState"];
export type Activity = Schemas["Activity"];
export type Notification = Schemas["Notification"];
export type NotificationState = NonNullable<Notification["state"]>;
export type Side = Schemas["ConflictSide"];
export type Area = Schemas["Area"];
export type Conflict = Schemas["Conflict"];
export type StateView = Schemas["State"];
/** What stands for the party (`GET /v1/alerts`): alerts, escalations and stops. */
export type Standing = Schemas["Standing"];
export type StandingAlert = Schemas["StandingAlert"];

export type IncidentKind = Schemas["IncidentKind"];
export const INCIDENT_KINDS = [
  "allegation",
  "attack",
  "blocked_movement",
  "friendly_fire",
  "civilian_harm",
] as const satisfies readonly IncidentKind[];
export type Incident = Schemas["Incident"];

/** An attack near the party's units that it may not see: when, and roughly where. */
export type Attack = Schemas["Attack"];

/** One event of the live stream (`GET /v1/events`), its JSON as sent. */
export type StreamEvent = Schemas["Event"];

/** The events the console shows; the others (reveals, suspicions of probing) it leaves to the log. */
export const EVENT_TYPES = [
  "conflict",
  "alert",
  "escalation",
  "activity",
  "incident",
  "notification",
  "stale",
  "stop",
  "rule",
  "site",
] as const satisfies readonly StreamEvent["type"][];

/** One version of a rule of the theatre, and the rules the caller may read. */
export type RuleVersion = Schemas["RuleVersion"];
export type Rules = Schemas["Rules"];

/** A challenge of a site, as the caller may see it. */
export type Challenge = Schemas["Challenge"];

/** A check fire, as the caller may see it. */
export type Stop = Schemas["Stop"];

/** An event the console shows. */
export type ServiceEvent = Extract<StreamEvent, { type: (typeof EVENT_TYPES)[number] }>;

/** What must not wait: alerts, escalations and check fire. */
export type UrgentEvent = Extract<ServiceEvent, { type: "alert" | "escalation" | "stop" }>;

export type EvidenceBundle = Schemas["EvidenceBundle"];

/** What the console draws under its shapes (`GET /v1/map`). */
export type MapGround = Schemas["Map"];
export type MapTiles = Schemas["MapTiles"];

/** One page of a list (`DeclarationPage`, `ActivityPage`, ...). */
export type Page<T> = { items: T[]; next_after: string | null };

/**
 * RFC 7807 problem details as the API writes them, or as the console says an
 * answer that is not problem+json (`http_error`).
 */
export type Problem = Omit<Schemas["Problem"], "code"> & { code: Schemas["Problem"]["code"] | "http_error" };
