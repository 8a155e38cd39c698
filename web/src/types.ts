// The JSON the API speaks (see /v1/openapi.json), as the console reads it.

export type Geometry =
  | { type: "Point"; coordinates: Position }
  | { type: "LineString"; coordinates: Position[] }
  | { type: "Polygon"; coordinates: Position[][] }
  | { type: "MultiPolygon"; coordinates: Position[][][] };

/** `[longitude, latitude]`, as GeoJSON writes it. */
export type Position = [number, number];

export type Role = "viewer" | "operator" | "approver" | "auditor";

/** How a declared unit reports its position. */
export interface Tracking {
  report_interval_s: number;
  max_speed_mps?: number;
  /** The Cursor-on-Target uid its device reports under. */
  cot_uid?: string;
}

/** A declared unit's last reported position. */
export interface Track {
  time: string;
  lat: number;
  lon: number;
  /** Height above the ellipsoid, metres. */
  hae?: number;
  /** Circular error, metres. */
  ce_m?: number;
  /** Metres a second. */
  speed?: number;
  /** Degrees clockwise from true north. */
  course?: number;
  /** Silent past twice its reporting interval. */
  stale: boolean;
  /** While stale: how far it may have gone, checked for conflicts. */
  stale_buffer_m?: number;
}

export interface Declaration {
  id: string;
  version: number;
  owner: string;
  kind: string;
  label: string;
  geometry: Geometry;
  buffer_m: number;
  altitude_m: [number, number];
  valid_from: string;
  valid_to: string | null;
  visibility: "private" | "public";
  disclosure: "coarse" | "coordinator_only";
  withdrawn: boolean;
  created_at: string;
  updated_at: string;
  conflicts: string[];
  /** A unit that reports its position: how. */
  tracking?: Tracking;
  /** Its last report, once it has reported. */
  track?: Track;
}

export interface Transition {
  state: string;
  reason?: string;
  at: string;
}

export type ActivityState = "held" | "cleared" | "denied" | "active" | "completed" | "cancelled";

export interface Activity {
  id: string;
  owner: string;
  kind: string;
  label: string;
  geometry: Geometry;
  buffer_m: number;
  altitude_m: [number, number];
  start: string;
  end: string | null;
  disclosure: "coarse" | "coordinator_only";
  state: ActivityState;
  history: Transition[];
  conflicts: string[];
}

export type NotificationState = "pending" | "delivered" | "acknowledged";

/**
 * How far a party's notification of a conflict has gone: `acknowledged` of
 * every side; the state and its times only of the caller's own side (of
 * every side, for the coordinator).
 */
export interface Notification {
  acknowledged: boolean;
  state?: NotificationState;
  delivered_at?: string;
  acknowledged_at?: string;
}

export interface Side {
  view: "full" | "coarse" | "coordinator_only";
  party?: string;
  object?: { type: "declaration" | "activity"; id: string };
  kind?: string;
  notification?: Notification;
}

/** A coarse area: the box of whole grid cells around what it stands for. */
export interface Area {
  /** `[west, south, east, north]`. */
  bbox: [number, number, number, number];
  geometry: Geometry;
}

export interface Conflict {
  id: string;
  state: "open" | "resolved" | "overridden";
  opened_at: string;
  resolved_at: string | null;
  override: { reason: string; at: string } | null;
  overlap: { from: string; to: string | null; area: Area } | null;
  /** The caller's own side first. */
  sides: [Side, Side];
}

export interface StateView {
  seq: number | null;
  declarations: Declaration[];
  activities: Activity[];
  conflicts: Conflict[];
}

export const INCIDENT_KINDS = [
  "allegation",
  "attack",
  "blocked_movement",
  "friendly_fire",
  "civilian_harm",
] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

export interface Incident {
  id: string;
  reporter: string;
  kind: IncidentKind;
  place: Geometry;
  precision_m: number;
  window: { from: string; to: string };
  reported_by: string;
  against: string | null;
  source: string;
  source_grade: string;
  status: "open" | "credible" | "not_credible" | "duplicate" | "reopened";
  history: { status: string; party: string; reason: string | null; duplicate_of: string | null; at: string }[];
}

/** An attack near the party's units that it may not see: when, and roughly where. */
export interface Attack {
  from: string;
  to: string;
  area: Area;
}

/** One event of the live stream (`GET /v1/events`), its JSON as sent. */
export type ServiceEvent = { seq: number; time: string } & (
  | { type: "conflict"; change: "opened" | "resolved" | "overridden" | "acknowledged"; conflict: Conflict }
  | { type: "alert"; about: "conflict"; conflict: Conflict }
  | { type: "alert"; about: "attack"; attack: Attack }
  | { type: "alert"; about: "attack"; incident: Incident }
  | { type: "escalation"; level: number; party: string; conflict: Conflict }
  | { type: "activity"; change: ActivityState; activity: Activity }
  | { type: "incident"; change: "reported" | "status"; incident: Incident }
  | { type: "notification"; change: "delivered" | "acknowledged"; by: string; conflict: Conflict }
  | { type: "stale"; declaration_id: string; stale_buffer_m: number; covered_until: string | null }
);

export const EVENT_TYPES = [
  "conflict",
  "alert",
  "escalation",
  "activity",
  "incident",
  "notification",
  "stale",
] as const satisfies readonly ServiceEvent["type"][];

/** What must not wait: alerts and escalations. */
export type UrgentEvent = Extract<ServiceEvent, { type: "alert" | "escalation" }>;

export interface EvidenceBundle {
  format: string;
  subject: Incident;
  checkpoint: string;
  entries: { index: number; leaf: string; proof: string[]; fields: string[] }[];
  payloads: { seq: number; pointer: string; salt: string; value: unknown }[];
  /** Entries that bear on the incident but of which this party may read nothing. */
  withheld: number;
}

export interface Page<T> {
  items: T[];
  next_after: string | null;
}

/** RFC 7807 problem details as the API writes them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  field?: string;
}
