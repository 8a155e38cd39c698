// Generated from /v1/openapi.json by scripts/api-types.mjs (`npm run types`).
// Do not edit: change the server's types and regenerate.

export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness
         * @description No token needed. `{"status":"ok"}` while the service serves; 503 once the log refused a write (`unavailable`), or `{"status":"degraded"}` while a Cursor-on-Target listener cannot accept connections. Nothing else: not the log's length, which would tell anyone who polls it when others act.
         */
        get: operations["health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/Marti/api/device/profile/enrollment": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A TAK device's enrolment profile: none
         * @description TAK clients ask for it after enrolling; the device already has all it needs.
         */
        get: operations["deviceEnrolmentProfile"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/Marti/api/tls/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The names a TAK device's certificate request should carry
         * @description Certificate enrolment as TAK clients (ATAK, WinTAK, iTAK, pytak) do it: HTTP Basic, any user name, the party's token as the password. The names are the service's and the caller's party; the certificate is issued with them whatever the request carries.
         */
        get: operations["deviceCertificateConfig"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/Marti/api/tls/signClient/v2": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Issue a TAK device its client certificate
         * @description The body is a PKCS#10 certificate signing request, PEM or the base64 of its DER. Only its public key is taken: the certificate names the user name given and the caller's party, is for client authentication only, never a CA, and is valid a year. It is bound to the caller's credential: a device connecting to Cursor-on-Target over TLS with it acts as that credential, and no longer once the credential is revoked. A credential holds at most 64 unexpired certificates (409 `too_many_certificates`).
         */
        post: operations["signDeviceCertificate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics
         * @description The service operator's, never a party's: only with `Authorization: Bearer <metrics token>`, the token configured with `--metrics-token` (`DECONFLICT_METRICS_TOKEN`, `metrics_token`); no party's token opens it. Without that token, with another one, or when none is configured, it answers 404 `no_route` exactly like a path that does not exist, whatever the method. Responses by status class; latency to the response's head by method (`other` for any method HTTP does not define), route template (`unmatched` for no route; never a path) and status class (`2xx`); authentication failures, rate-limited requests, commands accepted (one counter, never by verb or party), Cursor-on-Target events by outcome, log entries and commits, replay time; gauges of open event streams, CoT connections, open conflicts, held activities, webhooks and their backlog, each a total over every party; the process's `process_*` figures (Linux) and `deconflict_build_info`.
         */
        get: operations["metrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ogc": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * OGC API – Features: the landing page
         * @description Links to the conformance classes, the collections and the API definition. QGIS, ArcGIS and GDAL's OAPIF driver start here, with the bearer token as an HTTP header.
         */
        get: operations["ogcLanding"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ogc/collections": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The collections
         * @description Declarations, tracks (declared units that report positions), activities, conflicts, incidents and stops: each exactly what the API shows the caller.
         */
        get: operations["ogcCollections"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ogc/collections/{collection}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One collection */
        get: operations["ogcCollection"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ogc/collections/{collection}/items": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A page of a collection's features
         * @description GeoJSON features, as `?f=geojson` writes the API's lists. `bbox` and `datetime` narrow the page; the `next` link follows the API's cursor, so a page may hold fewer than `limit` features and still have a next one.
         */
        get: operations["ogcItems"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ogc/collections/{collection}/items/{feature}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One feature
         * @description 404 for an object the caller may not see, exactly as for one that does not exist.
         */
        get: operations["ogcItem"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ogc/conformance": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The OGC API – Features conformance classes served
         * @description Part 1 Core and GeoJSON.
         */
        get: operations["ogcConformance"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/activities": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the activities the caller may see
         * @description Its own party's, and (for the coordinator) all; sorted by id, paginated.
         */
        get: operations["listActivities"];
        put?: never;
        /**
         * Submit a planned activity
         * @description Operator. Checked at once against other parties' live declarations and activities: `cleared` if it opened no conflict and the policy does not ask for clearance (by default `air_strike`, `indirect_fire`, `ground_operation` and `flight` always do), otherwise `held`.
         */
        post: operations["submitActivity"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/activities/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An object id (`dec_`, `act_` or `con_` and 12 hex digits). */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        /**
         * One activity
         * @description 404 for another party's activity, exactly as for an id that does not exist.
         */
        get: operations["getActivity"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/activities/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An object id (`dec_`, `act_` or `con_` and 12 hex digits). */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel an activity
         * @description Operator of the owner; held, cleared or active; its conflicts are resolved.
         */
        post: operations["cancelActivity"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/activities/{id}/clear": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An object id (`dec_`, `act_` or `con_` and 12 hex digits). */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Clear a held activity
         * @description Approver of the coordinator; `reason` required. Refused (`unacknowledged_conflicts`) while an open conflict is not acknowledged by every other party in it, or overridden.
         */
        post: operations["clearActivity"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/activities/{id}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An object id (`dec_`, `act_` or `con_` and 12 hex digits). */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Complete an active activity
         * @description Operator of the owner; its conflicts are resolved.
         */
        post: operations["completeActivity"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/activities/{id}/deny": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An object id (`dec_`, `act_` or `con_` and 12 hex digits). */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Deny an activity
         * @description Approver of the coordinator; `reason` required. Final; its conflicts are resolved.
         */
        post: operations["denyActivity"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/activities/{id}/hold": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An object id (`dec_`, `act_` or `con_` and 12 hex digits). */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Put a cleared activity on hold
         * @description Approver of the coordinator; `reason` optional.
         */
        post: operations["holdActivity"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/activities/{id}/start": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An object id (`dec_`, `act_` or `con_` and 12 hex digits). */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start a cleared activity
         * @description Operator of the owner.
         */
        post: operations["startActivity"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What stands for the caller's party: alerts, escalations and stops
         * @description The alerts raised to the caller's party (every alert, to the coordinator, who alone is also alerted to an activity planned where a lost unit was last assumed), oldest first: each one not yet acknowledged, however old, and those acknowledged within the last 24 hours, with who of the party acknowledged them. Each is shown as the event stream showed it: a conflict or an attack the party may see in full, or of an attack report it may not read only when and roughly where. Then the conflicts whose notification to the party escalated unacknowledged (to the coordinator, any party's at the last level), and the stops that stand over the party's activities or that it raised. A console loads this at sign-in so that nothing urgent is lost with a reload.
         */
        get: operations["listStanding"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/alerts/{id}/acknowledge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Acknowledge an alert for the caller's party
         * @description Operators, and the coordinator's approvers. An act of the log, read by the party and the coordinator only. An alert raised to another party is 404, as one that never was; one already acknowledged by the party is 409 `wrong_state`.
         */
        post: operations["acknowledgeAlert"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/challenges": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The challenges the caller may see
         * @description Of the caller's own sites (without who raised them, unless the coordinator named the challenger), the ones it raised, and for the coordinator all.
         */
        get: operations["listChallenges"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/challenges/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A challenge's id. */
                id: string;
            };
            cookie?: never;
        };
        /**
         * One challenge, as the caller may see it
         * @description 404 for a challenge the caller may not see, byte-identical to one that does not exist.
         */
        get: operations["getChallenge"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/challenges/{id}/answer": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A challenge's id. */
                id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Answer a challenge of one's own site
         * @description Operators of the declaration's owner, once, before the ruling.
         */
        post: operations["answerChallenge"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/challenges/{id}/ruling": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A challenge's id. */
                id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rule on a challenge
         * @description Approvers of the coordinator, once, with a reason: `upheld` (the site stands), `disputed` (it stands, flagged to all who see it, and causes no holds) or `withdrawn` (it no longer protects; its conflicts resolve). `name_challenger` tells the owner who challenged.
         */
        post: operations["ruleChallenge"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/conflicts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the conflicts the caller is in
         * @description Every party sees the conflicts it is involved in, its own side first; the coordinator sees all. Showing a party a conflict whose notification to it is `pending` records the delivery in the log first, so the answer says `delivered`.
         */
        get: operations["listConflicts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/conflicts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An object id (`dec_`, `act_` or `con_` and 12 hex digits). */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        /**
         * One conflict
         * @description As in the list; records delivery to the caller's party if pending.
         */
        get: operations["getConflict"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/conflicts/{id}/acknowledge": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An object id (`dec_`, `act_` or `con_` and 12 hex digits). */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Acknowledge a conflict
         * @description Operator of a party involved: it has taken note. Clears nothing; the other party is notified.
         */
        post: operations["acknowledgeConflict"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/conflicts/{id}/override": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An object id (`dec_`, `act_` or `con_` and 12 hex digits). */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Override a conflict
         * @description Approver of the coordinator; `reason` required: the overlap is accepted, and both parties are notified.
         */
        post: operations["overrideConflict"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/declarations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the declarations the caller may see
         * @description Its own party's, public ones, and (for the coordinator) all; sorted by id, paginated.
         */
        get: operations["listDeclarations"];
        put?: never;
        /**
         * Declare a protected thing
         * @description Operator. A unit position, base, checkpoint, route, convoy or camp of the caller's party. Conflicts with other parties' live activities are found at once; each is in `conflicts`, seen as the caller may see it.
         */
        post: operations["createDeclaration"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/declarations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An object id (`dec_`, `act_` or `con_` and 12 hex digits). */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        /**
         * One declaration
         * @description 404 for another party's private declaration, exactly as for an id that does not exist.
         */
        get: operations["getDeclaration"];
        /**
         * Replace a declaration with a new version
         * @description Operator of the owner. Conflicts whose overlap is gone are resolved, new ones opened; `version` guards against lost updates.
         */
        put: operations["amendDeclaration"];
        post?: never;
        /**
         * Withdraw a declaration
         * @description Operator of the owner. It stays on record, withdrawn; its standing conflicts are resolved.
         */
        delete: operations["withdrawDeclaration"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/declarations/{id}/challenges": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A declaration's id. */
                id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Challenge a site: it is not what it says
         * @description Operators of a party that sees the declaration in full (a public one), not its owner; approvers of the coordinator, any declaration. One open challenge per party and declaration. The owner is told of it and its grounds, and of the challenger only if the coordinator names it when it rules.
         */
        post: operations["challengeDeclaration"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/declarations/{id}/dispute": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Dispute a declaration, or end a dispute
         * @description Approvers of the coordinator: a disputed declaration (a site that is not what it says) causes no holds; its conflicts still open and are told. Its owner sees `disputed` with the reason. Logged with its reason.
         */
        post: operations["disputeDeclaration"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/declarations/{id}/reconfirm": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A declaration's id. */
                id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Re-confirm a site: it is still as declared
         * @description Operators of the owner. A rule (`reconfirm`) says how often a kind of site is re-confirmed; one not re-confirmed in time is shown `unconfirmed_since` to all who see it (still protected), and an activity planned over it waits for the owner to re-confirm it by `reconfirm_by` before it is cleared (409 `awaiting_reconfirmation`). Declaring and amending confirm too.
         */
        post: operations["reconfirmDeclaration"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/declarations/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import a list of sites as one command
         * @description Operators. A GeoJSON FeatureCollection (`application/geo+json`), CSV (`text/csv`: a `wkt` column, or `latitude` and `longitude`) or KML (`application/vnd.google-earth.kml+xml`: placemarks, `name` and `ExtendedData` as properties) of up to 5,000 features, each a declaration of the caller's party: its properties are the declaration's fields (`kind`, `label`, `buffer_m`, `valid_from`, `valid_to`, `visibility`, `disclosure`, `altitude_m`); OCHA's no-strike-list columns `name` and `type` are read as `label` and `kind` ("Health facility" becomes `health_facility`); other properties are left out. Every feature is checked first: one refused refuses the import (422 `import_refused`, `errors` naming each by its index), and nothing is declared. The whole list is one entry of the log. The `Idempotency-Key` is the caller's own: importing again under it creates nothing and answers 200 with what the first import created.
         */
        post: operations["importDeclarations"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's event stream (Server-Sent Events)
         * @description Every event the caller's party may see, as it becomes durable: `conflict` (change `opened`, `resolved`, `overridden`, `acknowledged` by the other side), `alert` (a tracked unit in a cleared or active hazard, or an `attack` nearby; for the coordinator alone, `lost_unit`: an activity planned where a lost unit was last assumed), `escalation` (an unacknowledged notification, `level` 1 to every credential of the party, 2 to the coordinator too), `activity` (a state change of the party's activity), `incident` (reported or judged), `notification` (the party's own notification `delivered` or `acknowledged`) `stale` (a tracked unit gone silent; `lost` once its reach stopped growing) and, to the coordinator only, `probing_suspected` (a party's question came past its budget of answers: `party`, `since`, `patterns` each with `pattern` `disclosed_objects` or `quick_cycles`, `count`, `budget` and the `objects` involved, the question's `subject` and the conflicts it `opened`; the party suspected never receives it). Each event's `id` is `<seq>-<n>`: the sequence number of the log entry it comes from and its place, from 1, among that entry's events for the caller (one entry can give several, such as a conflict and its alert); reconnect with `Last-Event-ID` (or `?after=`) to receive everything after it, the rest of an entry's events included. An id of the entry alone, `<seq>`, resumes after all of its events. The coordinator's credentials receive every event once, built with the coordinator's view. Once a conflict's event is written to the stream, a pending notification of the caller's party is recorded delivered. A comment is sent every 15 s to keep the connection open.
         */
        get: operations["streamEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/holds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who holds whose activities, and the suspensions in force
         * @description The coordinator's alone. Per party, how many of other parties' activities its objects put back on hold in the last day (each hold names the conflict that caused it, in the activity's history), and the suspensions in force. Any other party gets 403.
         */
        get: operations["getHolds"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/holds/suspensions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Suspend a party's objects from causing holds in an area
         * @description Approvers of the coordinator: from now until `until` (at most 7 days), no object of `party` inside `area` (a Polygon or MultiPolygon) puts another party's cleared activity back on hold. Its conflicts still open and both sides are still told. Logged with its reason.
         */
        post: operations["suspendHolds"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/incidents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Incidents the caller may see */
        get: operations["listIncidents"];
        put?: never;
        /**
         * Report an incident
         * @description Operators of any party. Seen by the reporting party, the party it is alleged against and the coordinator; a 404 for anyone else. Logged with every field committed in the public log.
         */
        post: operations["reportIncident"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/incidents/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One incident */
        get: operations["getIncident"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/incidents/{id}/evidence": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The evidence bundle of an incident
         * @description For the coordinator, and an investigator it granted this incident's evidence: every log entry whose volume meets the incident's place (grown by its precision) during its window, the entries that acted on those objects, their conflicts and the activities they met, and the incident's own entries, with every field opened. For any other party: the same search started only from the objects it sees in full, each entry with the fields it may read, and how many entries bear on it that it may read nothing of (`withheld`); it never learns whether another party has anything at the place. Each entry with its public leaf and an inclusion proof to a checkpoint signed by the log (with the cosignatures it holds). `deconflict verify` checks it offline.
         */
        get: operations["getEvidence"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/incidents/{id}/grants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Grant an investigator an incident's whole evidence
         * @description Approvers of the coordinator grant one party (an investigator, such as a board of inquiry) the whole evidence of this incident, as the coordinator has it: every entry that bears on it, every field opened. Logged with its reason; the party then sees the incident and its evidence.
         */
        post: operations["grantEvidence"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/incidents/{id}/response": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * The accused party's response to an incident
         * @description Operators of the party an incident is alleged against, once. An `attack` or `friendly_fire` that meets a declaration the accused party had been told of, through a conflict it received or opened, is flagged `notified_site` and gives the accused until `respond_by` (a `respond` rule, or 72 hours) to respond; the coordinator sees the clock and the sites.
         */
        post: operations["respondToIncident"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/incidents/{id}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Judge an incident, or reopen it
         * @description Approvers of the coordinator set `credible`, `not_credible` or `duplicate` (with `duplicate_of`) on an open or reopened incident, and may reopen a judged one; operators of the reporting party may reopen. A reason is required. Each change is logged and attributed.
         */
        post: operations["setIncidentStatus"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/log/checkpoint": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A signed checkpoint with its cosignatures
         * @description Without `size`: the latest checkpoint, signed at once if durable entries landed since the last one. With `size`: the checkpoint of that many entries, if the log signed one. C2SP tlog-checkpoint, signed by the log, followed by every witness cosignature (cosignature/v1) the log holds.
         */
        get: operations["getCheckpoint"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/log/cosignature": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A witness's cosignature of a checkpoint
         * @description `note` is a checkpoint exactly as the log signed it with the witness's cosignature/v1 line added; `key` is the witness's verifier key (type 0x04), bound to the caller's party the first time it is used. A party may use at most 4 witness keys (`too_many_witnesses`). The witness's name must be the posting party's own: the party's name, or it followed by `.` or `/` (e.g. `pmf.example/witness`), so that no party shows its cosignature as another's (403 `not_owner`).
         */
        post: operations["postCosignature"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/log/entries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The log, as the caller may read it
         * @description Leaves `start` to `end` (exclusive; numbered from 0, so index = seq - 1), at most one page. A leaf is `{"leaf":2,"seq":N,"sealed":hex}`: it shows nothing but the entry's number, and its Merkle leaf hash is over the exact text given. With an entry the caller may read something of (its own, what it sees of other parties' objects, and of a conflict it is in what the API shows it), the entry's field commitments and the payloads that open those fields; of any other entry, the leaf alone.
         */
        get: operations["getLogEntries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/log/key": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The log's verifier key
         * @description The Ed25519 verifier key (C2SP signed-note format) that signs the log's checkpoints; its name is the log's origin.
         */
        get: operations["getLogKey"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/log/payloads": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What the caller may read of one entry
         * @description The fields of entry `seq` the caller may read (as for `GET /v1/log/entries`), those made public included, each with the salt that opens its commitment, and the entry's field commitments to check them against its leaf. Only `seq` when there is nothing, whether or not the entry exists.
         */
        get: operations["getPayloads"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/log/proof/consistency": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** RFC 9162 consistency proof */
        get: operations["getConsistencyProof"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/log/proof/inclusion": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** RFC 9162 inclusion proof */
        get: operations["getInclusionProof"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/log/reveal": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Make one committed field of an entry public
         * @description A party's operator reveals alone a field of its own entry that tells of nothing but its own objects and acts (a label, a volume, its activity's state); a field that tells of another party too (a conflict's area or other side, a notice, an alert, a hold), and any field of another party's entry, takes two approvers of the coordinator, or one and the owner's consent (the owner asking for it too), and the owner is told. Each request is logged as an entry of its own; once revealed, the payload is in `GET /v1/log/payloads` and in every evidence bundle that holds the entry, for every party. Anyone else is refused before the pointer is looked at.
         */
        post: operations["reveal"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/map": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What to draw under the console's shapes: the deployment's tile source, if it has one
         * @description The same for every caller. `tiles` is `null` when the deployment names no tile source; otherwise its `url` is the service's own tile route (an MBTiles file the service serves, `--tiles`) or an external tile server's template (`--tile-url`), which the console's Content-Security-Policy lets images come from.
         */
        get: operations["getMap"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The party, role and credential the token speaks for */
        get: operations["whoAmI"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * This document
         * @description No token needed.
         */
        get: operations["openapi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The rules of the theatre the caller may read
         * @description Every version of every rule that binds the caller's party, binds every party, or is public; the coordinator reads all. `in_force` says which version stands now, or `as_of` an earlier point of the log (a sequence number or an RFC 3339 time, replayed as for `GET /v1/state`). `configured_clearance` lists the kinds that wait for clearance for a party no clearance rule binds.
         */
        get: operations["listRules"];
        put?: never;
        /**
         * Set a new version of a rule
         * @description Approvers of the coordinator, with a reason. A rule binds `parties` (all if none), is read by them (by every party if `public`) and takes effect at `effective_from` (now if absent). `rule: null` rescinds it. Types: `forbid` (kinds a party may not submit), `clearance` (kinds that wait for an approver; replaces the configured list for the parties it binds), `notice` (hours ahead an activity of a kind is submitted; later only with `late_notice`, and then it waits for clearance), `area` (a volume over a window where kinds are refused or wait), `priority` (kinds from highest to lowest; a lower one is not cleared over an open conflict with a higher one until it is overridden), `limits` (area, window, altitude and speed of a kind). A refusal by a rule is 422 `rule_refused` naming the rule and its version.
         */
        post: operations["setRule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/state": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Everything the caller may see, now or as it stood
         * @description Without `as_of`: the current state (records delivery of pending conflicts, like `GET /v1/conflicts`). With `as_of`: the log replayed up to that entry (a sequence number) or that time (RFC 3339), seen through the same need-to-know rule.
         */
        get: operations["getState"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stops": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The stops the caller may see
         * @description A stop the caller's party raised (where, and how many activities it held), one that held the caller's own activities (when, why, and which of its own), or, for the coordinator, every one.
         */
        get: operations["listStops"];
        put?: never;
        /**
         * Check fire: hold every activity of another party over an area, now
         * @description Operators, and approvers of the coordinator, with a reason and a cause. Every cleared or active activity of another party that meets the area (at every altitude unless `altitude_m` says) before `until` (at most 24 hours ahead; at most 2,500 km²) is held at once, in one logged act. While it stands, another party's new activity that meets it is held too, and none that meets it is cleared (409 `stopped`). Each owner is told that its own activities were held and why (never by whom or where), the coordinator everything; both are reminded every few seconds, on the event stream, by webhook and on Cursor-on-Target as an emergency, until they acknowledge. The raiser is told how many activities were held, unless its budget of answers is spent.
         */
        post: operations["raiseStop"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stops/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A stop's id. */
                id: string;
            };
            cookie?: never;
        };
        /**
         * One stop, as the caller may see it
         * @description 404 for a stop the caller may not see, byte-identical to one that does not exist.
         */
        get: operations["getStop"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stops/{id}/acknowledge": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A stop's id. */
                id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Acknowledge a stop that held the party's activities
         * @description Operators of a party whose activities it held, and the coordinator's operators and approvers: the party has taken note, and is reminded no more.
         */
        post: operations["acknowledgeStop"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stops/{id}/lift": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A stop's id. */
                id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Lift a stop
         * @description Operators of the raiser, or approvers of the coordinator. It holds nothing new from now on; what it held stays held until an approver clears it again.
         */
        post: operations["liftStop"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tiles/{z}/{x}/{y}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A raster tile of the deployment's MBTiles file
         * @description XYZ addressing, rows counted from the north, as `GET /v1/map`'s `url` template says. The same bytes for every caller. A tile the file does not hold, a zoom level outside its `min_zoom` to `max_zoom`, or any tile when the deployment serves no MBTiles file, is `not_found`; a coordinate out of range is `invalid_field` naming it (`z`, `x` or `y`). Neither body repeats the address asked for.
         */
        get: operations["getTile"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tracks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Report positions of the caller's tracked units
         * @description Operators. A batch of up to 10,000 reports is one log entry (its body may take up to 4,000,000 bytes, room for a full batch with every field given, or the service's body limit if larger), taken whole or refused whole (the error names the report, e.g. `reports[3].lat`). Each unit moves to its latest report (an older one is recorded but moves nothing); its buffer grows by `ce_m`. Conflicts are re-evaluated at once: those the unit entered open, those it left resolve; entering a cleared or active hazard raises an alert to the unit's party, the activity's owner and the coordinator. Positions are committed in the public log, one commitment per report.
         */
        post: operations["reportTracks"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's party's webhooks and where their deliveries stand
         * @description Any role of the party. At most 8, so always one page (`next_after` is null). Never the secrets.
         */
        get: operations["listWebhooks"];
        put?: never;
        /**
         * Register a webhook: the caller's events, POSTed to a URL
         * @description Operators and approvers; at most 8 webhooks a party (`too_many_webhooks`). The webhook belongs to the caller's party and delivers from the log's end on. The answer holds the `secret` that signs the deliveries, in hex: it is shown this once and never again.
         *
         *     Each event the registering credential may see (exactly those of `GET /v1/events`) is sent as one `POST` to `url`, in log order, with the event's JSON (`seq`, `time`, `type` and the rest) as the body and these headers: `Content-Type: application/json`; `Deconflict-Event: <type>`; `Deconflict-Delivery: <seq>-<n>`, the log entry's sequence number and the event's place (from 1) among that entry's events for this webhook, which names the event; `Deconflict-Signature: sha256=<hex>`, the HMAC-SHA256 of the raw body keyed with the webhook's secret (the 32 bytes whose hex this answer holds). A receiver recomputes the HMAC over the body exactly as received and compares in constant time before trusting it. A 2xx answer delivers the event; any other answer, a connection or TLS failure, or no answer within 10 s is recorded on the webhook (`attempts`, `last_status`, `last_error`, `next_attempt_at`) and the same event is sent again after 1 s, 2 s, 4 s and so on, at most 5 minutes apart, until it is delivered: events are never skipped nor reordered. Delivery is at least once: after a restart an event may come again, so receivers deduplicate on `Deconflict-Delivery`. Once a conflict's event is delivered, the credential's pending notification of it is recorded `delivered`, as on the event stream. Deliveries stop when the webhook is removed or the credential that registered it is revoked.
         */
        post: operations["registerWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One of the party's webhooks and where its deliveries stand
         * @description Any role of the party; another party's webhook is a 404 exactly like one that does not exist. Never the secret.
         */
        get: operations["getWebhook"];
        put?: never;
        post?: never;
        /**
         * Remove a webhook
         * @description Operators and approvers of the party. Its deliveries stop; an event being sent may still arrive once.
         */
        delete: operations["removeWebhook"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface webhooks {
    event: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * One event, delivered to a registered webhook's URL
         * @description Sent by the service to each webhook a party registered (`POST /v1/webhooks`), one request per event, in log order, at least once. Check `webhook-signature` (Standard Webhooks) over the raw body before parsing it and refuse a `webhook-timestamp` more than a few minutes old: that refuses a replayed delivery. `Deconflict-Signature` signs the body alone and is kept for receivers written against it; it will be dropped in a later version of the API.
         */
        post: operations["deliverEvent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface components {
    schemas: {
        /** @description An activity, in full. */
        Activity: {
            altitude_m: components["schemas"]["AltitudeBand"];
            /** Format: double */
            buffer_m: number;
            /** @description Ids of the conflicts the caller may see. */
            conflicts: string[];
            disclosure: components["schemas"]["Disclosure"];
            end: components["schemas"]["Time"] | null;
            geometry: components["schemas"]["Geometry"];
            history: components["schemas"]["Transition"][];
            id: string;
            kind: string;
            label: string;
            /** @description Submitted late by the emergency lane: why. */
            late_notice?: string;
            owner: string;
            start: components["schemas"]["Time"];
            state: components["schemas"]["ActivityState"];
        };
        /** @description An activity as its owner submits it (`POST /v1/activities`). */
        ActivityIn: {
            /** @default null */
            altitude_m?: components["schemas"]["AltitudeBand"] | null;
            /**
             * Format: double
             * @description Metres of hazard around the geometry, as the owner declares it.
             */
            buffer_m: number;
            /** @default coarse */
            disclosure?: components["schemas"]["Disclosure"];
            /**
             * Format: date-time
             * @description Exclusive; required (an activity without an end is refused).
             * @default null
             * @example 2020-01-05T06:00:00.000Z
             */
            end?: string;
            geometry: components["schemas"]["Geometry"];
            /**
             * @example air_strike
             * @example patrol
             * @example convoy
             */
            kind: string;
            label: string;
            /**
             * @description Submitted later than a notice rule asks: why, by the emergency lane.
             *     Such an activity always waits for an approver's clearance.
             * @default null
             */
            late_notice?: string | null;
            start: components["schemas"]["Time"];
        };
        /**
         * @description One page of a list. Pass `next_after` as `after` for the next page; it is
         *     `null` on the last.
         */
        ActivityPage: {
            items: components["schemas"]["Activity"][];
            next_after: string | null;
        };
        /** @enum {string} */
        ActivityState: "held" | "cleared" | "denied" | "active" | "completed" | "cancelled";
        /**
         * @description What `POST /v1/activities` answers: the new id, `cleared` or `held`, and
         *     the conflicts the submission opened.
         */
        ActivitySubmitted: {
            /** @description Conflicts the submission opened. */
            conflicts: components["schemas"]["Conflict"][];
            id: string;
            /** @enum {string} */
            state: "cleared" | "held";
        };
        /** @description What an alert is about. */
        Alert: {
            /** @constant */
            about: "conflict";
            conflict: components["schemas"]["Conflict"];
        } | {
            /** @constant */
            about: "attack";
            incident: components["schemas"]["Incident"];
        } | {
            /** @constant */
            about: "attack";
            attack: components["schemas"]["Attack"];
        } | {
            /** @constant */
            about: "lost_unit";
            activity_id: string | null;
            declaration_id: string;
        };
        /** @description `[lo, hi]` in metres above ground; `[0, 0]` (the default) is the surface. Bands that touch overlap. */
        AltitudeBand: [
            number,
            number
        ];
        /**
         * @description Whole 0.05° cells that contain the overlap, never finer: their box and
         *     the same as a GeoJSON polygon.
         */
        Area: {
            /** @description West, south, east, north. */
            bbox: [
                number,
                number,
                number,
                number
            ];
            /** @description The box as a GeoJSON polygon. */
            geometry: {
                coordinates: [
                    [
                        [
                            number,
                            number
                        ],
                        [
                            number,
                            number
                        ],
                        [
                            number,
                            number
                        ],
                        [
                            number,
                            number
                        ],
                        [
                            number,
                            number
                        ]
                    ]
                ];
                /** @constant */
                type: "Polygon";
            };
        };
        /**
         * @description What an area rule does to an activity that meets it.
         * @enum {string}
         */
        AreaEffect: "refuse" | "clearance";
        Attack: {
            area: components["schemas"]["Area"];
            from: components["schemas"]["Time"];
            to: components["schemas"]["Time"];
        };
        /** @description A challenge as the caller may see it. */
        Challenge: {
            answer?: string;
            answered?: components["schemas"]["Time"];
            /**
             * @description Who challenged: to the coordinator and the challenger, and to the
             *     owner once the coordinator names it.
             */
            by?: string;
            declaration_id: string;
            grounds: string;
            id: string;
            raised: components["schemas"]["Time"];
            ruled?: components["schemas"]["Time"];
            ruling?: components["schemas"]["ChallengeRuling"];
            ruling_reason?: string;
        };
        /** @description The owner's answer to a challenge. */
        ChallengeAnswer: {
            answer: string;
        };
        /** @description A challenge of a declaration (`POST /v1/declarations/{id}/challenges`). */
        ChallengeRaise: {
            /** @description Why the site is not what it says. */
            grounds: string;
        };
        /** @description How the coordinator rules on a challenge. */
        ChallengeRuling: "upheld" | "disputed" | "withdrawn";
        /** @description The coordinator's ruling (`POST /v1/challenges/{id}/ruling`). */
        ChallengeRulingIn: {
            /**
             * @description Whether the declaration's owner is told who challenged.
             * @default false
             */
            name_challenger?: boolean;
            reason?: string | null;
            ruling: components["schemas"]["ChallengeRuling"];
        };
        /** @description The challenges the caller may see. */
        Challenges: {
            items: components["schemas"]["Challenge"][];
        };
        /** @description A conflict as the caller may see it. The caller's own side comes first. */
        Conflict: {
            id: string;
            opened_at: components["schemas"]["Time"];
            /** @description `null` when the caller is told only that the coordinator will contact it. */
            overlap: components["schemas"]["Overlap"] | null;
            override: components["schemas"]["Override"] | null;
            resolved_at: components["schemas"]["Time"] | null;
            sides: [
                components["schemas"]["ConflictSide"],
                components["schemas"]["ConflictSide"]
            ];
            state: components["schemas"]["ConflictState"];
            /** @description Coordinator only: what was kept from the party that opened it. */
            withheld?: components["schemas"]["Withheld"];
        };
        ConflictChange: ("opened" | "resolved" | "overridden" | "acknowledged" | "escalated") | "disputed" | "undisputed";
        /**
         * @description One page of a list. Pass `next_after` as `after` for the next page; it is
         *     `null` on the last.
         */
        ConflictPage: {
            items: components["schemas"]["Conflict"][];
            next_after: string | null;
        };
        /**
         * @description One side of a conflict, as the caller may see it: `full` (its own object,
         *     a public declaration, or anything for the coordinator), `coarse` (another
         *     party's object: its kind only) or `coordinator_only` (nothing but that the
         *     coordinator will make contact). Of another party's notification, only
         *     whether it acknowledged.
         */
        ConflictSide: {
            /**
             * @description The side is a site the coordinator ruled disputed: it stands, but
             *     its claim is contested. Absent when it is not, or not told.
             */
            disputed?: boolean;
            kind?: string;
            notification?: components["schemas"]["Notification"];
            object?: components["schemas"]["ObjectRef"];
            party?: string;
            /**
             * @description How much of a conflict's side the caller sees.
             * @enum {string}
             */
            view: "full" | "coarse" | "coordinator_only";
        };
        /** @enum {string} */
        ConflictState: "open" | "resolved" | "overridden";
        /** @description A declaration, in full. */
        Declaration: {
            altitude_m: components["schemas"]["AltitudeBand"];
            /** Format: double */
            buffer_m: number;
            /**
             * @description Its challenges the caller may see: all, to its owner and the
             *     coordinator; its own, to a challenger.
             */
            challenges?: components["schemas"]["Challenge"][];
            /** @description Ids of the conflicts the caller may see. */
            conflicts: string[];
            created_at: components["schemas"]["Time"];
            disclosure: components["schemas"]["Disclosure"];
            /** @description Why the coordinator disputes it, while it does: it causes no holds. */
            disputed?: string;
            geometry: components["schemas"]["Geometry"];
            id: string;
            kind: string;
            label: string;
            owner: string;
            /**
             * @description The owner's and the coordinator's: the deadline the owner was given
             *     to re-confirm it, an activity being planned over it.
             */
            reconfirm_by?: components["schemas"]["Time"];
            /** @description The last reported position; only for a tracked unit that has reported. */
            track?: components["schemas"]["Track"];
            tracking?: components["schemas"]["Tracking"];
            /**
             * @description Since when it is unconfirmed: its owner did not re-confirm it in
             *     time. Still protected.
             */
            unconfirmed_since?: components["schemas"]["Time"];
            updated_at: components["schemas"]["Time"];
            valid_from: components["schemas"]["Time"];
            valid_to: components["schemas"]["Time"] | null;
            /** Format: uint64 */
            version: number;
            visibility: components["schemas"]["Visibility"];
            withdrawn: boolean;
        };
        /**
         * @description What `POST`, `PUT` and `DELETE` answer: the declaration's id and version,
         *     the conflicts the command opened and those it resolved.
         */
        DeclarationChange: {
            /** @description Conflicts this command opened, as the caller sees them. */
            conflicts: components["schemas"]["Conflict"][];
            id: string;
            /** @description Ids of conflicts this command resolved. */
            resolved: string[];
            /** Format: uint64 */
            version: number;
        };
        /**
         * @description A declaration as its owner writes it (`POST /v1/declarations`, `PUT
         *     /v1/declarations/{id}`).
         */
        DeclarationIn: {
            /** @default null */
            altitude_m?: components["schemas"]["AltitudeBand"] | null;
            /**
             * Format: double
             * @description Metres around the geometry.
             */
            buffer_m: number;
            /** @default coarse */
            disclosure?: components["schemas"]["Disclosure"];
            geometry: components["schemas"]["Geometry"];
            /**
             * @example unit_position
             * @example base
             * @example checkpoint
             */
            kind: string;
            label: string;
            /**
             * @description A unit that reports its position (`POST /v1/tracks`, Cursor-on-Target).
             * @default null
             */
            tracking?: components["schemas"]["Tracking"] | null;
            valid_from: components["schemas"]["Time"];
            /**
             * @description Exclusive; left out or `null`: open-ended.
             * @default null
             */
            valid_to?: components["schemas"]["Time"] | null;
            /**
             * Format: uint64
             * @description `PUT` only: the version being replaced (optimistic locking; a `POST`
             *     with it is refused).
             * @default null
             */
            version?: number | null;
            /** @default private */
            visibility?: components["schemas"]["Visibility"];
        };
        /**
         * @description One page of a list. Pass `next_after` as `after` for the next page; it is
         *     `null` on the last.
         */
        DeclarationPage: {
            items: components["schemas"]["Declaration"][];
            next_after: string | null;
        };
        /**
         * @description What another party in conflict with the object learns: `coarse` (kind,
         *     window, ~5 km area) or `coordinator_only` (only that the coordinator will
         *     contact it).
         * @enum {string}
         */
        Disclosure: "coarse" | "coordinator_only";
        /** @description No fields; the body may be left out. */
        EmptyBody: Record<string, never>;
        /**
         * @description A conflict whose notification to the caller's party (or, to the
         *     coordinator, to any party, at the last level) escalated unacknowledged.
         */
        Escalation: {
            conflict: components["schemas"]["Conflict"];
            /** Format: uint8 */
            level: number;
            /** @description The party whose notification it is. */
            party: string;
        };
        /**
         * @description One event of the stream or a webhook delivery: the log entry it comes
         *     from, when, and what the caller's party may learn of it, by `type`.
         */
        Event: {
            /**
             * Format: uint64
             * @description The log entry it comes from.
             */
            seq: number;
            /** @description When the entry was written. */
            time: components["schemas"]["Time"];
        } & ({
            change: components["schemas"]["ConflictChange"];
            conflict: components["schemas"]["Conflict"];
            /** @constant */
            type: "conflict";
        } | ({
            /** @constant */
            type: "alert";
        } & ({
            /** @constant */
            about: "conflict";
            conflict: components["schemas"]["Conflict"];
        } | {
            /** @constant */
            about: "attack";
            incident: components["schemas"]["Incident"];
        } | {
            /** @constant */
            about: "attack";
            attack: components["schemas"]["Attack"];
        } | {
            /** @constant */
            about: "lost_unit";
            activity_id: string | null;
            declaration_id: string;
        })) | {
            conflict: components["schemas"]["Conflict"];
            /** Format: uint8 */
            level: number;
            party: string;
            /** @constant */
            type: "escalation";
        } | {
            activity: components["schemas"]["Activity"];
            change: components["schemas"]["ActivityState"];
            /** @constant */
            type: "activity";
        } | {
            change: components["schemas"]["IncidentChange"];
            incident: components["schemas"]["Incident"];
            /** @constant */
            type: "incident";
        } | {
            by: string;
            /** Format: uint64 */
            entry: number;
            pointer: string;
            state: components["schemas"]["RevealStep"];
            /** @constant */
            type: "reveal";
        } | {
            by: string;
            change: components["schemas"]["NotificationChange"];
            conflict: components["schemas"]["Conflict"];
            /** @constant */
            type: "notification";
        } | {
            covered_until: components["schemas"]["Time"] | null;
            declaration_id: string;
            lost: boolean;
            /** Format: double */
            stale_buffer_m: number;
            /** @constant */
            type: "stale";
        } | {
            change: components["schemas"]["StopChange"];
            stop: components["schemas"]["Stop"];
            /** @constant */
            type: "stop";
        } | {
            rule: components["schemas"]["RuleVersion"];
            /** @constant */
            type: "rule";
        } | {
            /** @description The alert's id, as `GET /v1/alerts` lists it. */
            alert: string;
            by: string;
            /** @constant */
            type: "alert_acknowledged";
        } | {
            challenge?: components["schemas"]["Challenge"];
            change: components["schemas"]["SiteChange"];
            declaration: components["schemas"]["Declaration"];
            /** @constant */
            type: "site";
        } | {
            opened: string[];
            party: string;
            patterns: components["schemas"]["PatternSeen"][];
            since: components["schemas"]["Time"];
            subject: string | null;
            /** @constant */
            type: "probing_suspected";
        });
        EvidenceBundle: {
            /** @description The signed checkpoint with its cosignatures. */
            checkpoint: string;
            entries: {
                /** @description The entry's field commitments (sorted, padded), which its leaf seals; empty when no field of it is opened. */
                fields: string[];
                index: number;
                leaf: string;
                proof: string[];
            }[];
            /** @constant */
            format: "deconflict-evidence/v2";
            payloads: {
                pointer: string;
                salt: string;
                seq: number;
                /** @description The field's value as the JSON text committed to. */
                value: string;
            }[];
            subject: components["schemas"]["Incident"];
            /** @description Entries that bear on the incident through objects or conflicts the reader knows of, but of which it may read nothing: counted, not shown. */
            withheld: number;
        };
        /** @description An RFC 7946 Feature: the item's geometry (null when the caller is not shown one), its id, and every other field of the item as a property. */
        Feature: {
            geometry: null | {
                /** @enum {unknown} */
                type: "Point" | "MultiPoint" | "LineString" | "MultiLineString" | "Polygon" | "MultiPolygon" | "GeometryCollection";
            };
            id?: string;
            properties: Record<string, never>;
            /** @constant */
            type: "Feature";
        };
        /** @description An RFC 7946 FeatureCollection of a page, with the next page's cursor as `next_after` when there is one. */
        FeatureCollection: {
            features: components["schemas"]["Feature"][];
            next_after?: string;
            /** @constant */
            type: "FeatureCollection";
        };
        /** @description A GeoJSON geometry (RFC 7946, WGS84 longitude, latitude): Point, MultiPoint, LineString, MultiLineString, Polygon or MultiPolygon. Edges are straight in longitude/latitude. Invalid input (latitude beyond ±90, unclosed or self-crossing rings, empty geometries, too many vertices) is refused naming the coordinate, never repaired. */
        Geometry: {
            /** @description longitude, latitude and, ignored, a height */
            coordinates: number[];
            /** @constant */
            type: "Point";
        } | {
            coordinates: number[][];
            /** @constant */
            type: "MultiPoint";
        } | {
            coordinates: number[][];
            /** @constant */
            type: "LineString";
        } | {
            coordinates: number[][][];
            /** @constant */
            type: "MultiLineString";
        } | {
            coordinates: number[][][];
            /** @constant */
            type: "Polygon";
        } | {
            coordinates: number[][][][];
            /** @constant */
            type: "MultiPolygon";
        };
        /** @description What an import created. */
        Imported: {
            /**
             * @description Conflicts the import opened, as the caller sees them (none on a
             *     retry).
             */
            conflicts: components["schemas"]["Conflict"][];
            /** @description The new declarations' ids, in the order of the features. */
            ids: string[];
            key: string;
        };
        /** @description An incident, in full. */
        Incident: {
            against: string | null;
            history: components["schemas"]["StatusChange"][];
            id: string;
            kind: components["schemas"]["IncidentKind"];
            /**
             * @description It struck a site its accused party had been told of, through a
             *     conflict: the accused is asked to respond by `respond_by`.
             */
            notified_site?: boolean;
            /**
             * @description The coordinator's: the sites it struck that the accused had been
             *     told of.
             */
            notified_sites?: string[];
            place: components["schemas"]["Geometry"];
            /** Format: double */
            precision_m: number;
            reported_by: string;
            reporter: string;
            respond_by?: components["schemas"]["Time"];
            responded?: components["schemas"]["Time"];
            /** @description The accused party's response. */
            response?: string;
            source: string;
            source_grade: string;
            status: components["schemas"]["IncidentStatus"];
            window: components["schemas"]["Window"];
        };
        /** @enum {string} */
        IncidentChange: "reported" | "status";
        /** @description An incident as its reporter records it (`POST /v1/incidents`). */
        IncidentIn: {
            /**
             * @description The party it is alleged against.
             * @default null
             */
            against?: string | null;
            kind: components["schemas"]["IncidentKind"];
            place: components["schemas"]["Geometry"];
            /** Format: double */
            precision_m: number;
            reported_by: string;
            source: string;
            /** @example B2 */
            source_grade: string;
            window: components["schemas"]["Window"];
        };
        /**
         * @description An incident's kind, as the API writes it.
         * @enum {string}
         */
        IncidentKind: "allegation" | "attack" | "blocked_movement" | "friendly_fire" | "civilian_harm";
        /**
         * @description The accused party's response to an incident (`POST
         *     /v1/incidents/{id}/response`).
         */
        IncidentResponseIn: {
            response: string;
        };
        /**
         * @description An incident's status, as the API writes it.
         * @enum {string}
         */
        IncidentStatus: "open" | "credible" | "not_credible" | "duplicate" | "reopened";
        /** @description A change of an incident's status (`POST /v1/incidents/{id}/status`). */
        IncidentStatusIn: {
            /**
             * @description The incident this one repeats: for, and only for, `duplicate`.
             * @default null
             */
            duplicate_of?: string | null;
            /**
             * @description Why; required (a change without one is refused, `reason_required`).
             * @default null
             */
            reason?: string;
            status: components["schemas"]["IncidentStatus"];
        };
        /**
         * @description A proof from the log's Merkle tree (RFC 9162): of inclusion (`index`,
         *     `size`) or of consistency (`from`, `to`).
         */
        LogProof: {
            /** @description The proof's hashes, base64, in the order RFC 9162 §2.1 gives them. */
            hashes: string[];
        } | {
            /** Format: uint64 */
            index: number;
            /** Format: uint64 */
            size: number;
        } | {
            /** Format: uint64 */
            from: number;
            /** Format: uint64 */
            to: number;
        };
        /** @description What the console draws under its shapes. */
        Map: {
            /** @description The deployment's raster tile source, or `null` for none: the console then draws its bundled borders alone. */
            tiles: components["schemas"]["MapTiles"] | null;
        };
        /** @description A raster tile source, XYZ-addressed. */
        MapTiles: {
            /** @description Whom to credit for the imagery, as plain text (never markup). */
            attribution: string | null;
            /** @description `[west, south, east, north]` in degrees, where the source has tiles; `null` where it does not say. */
            bounds: [
                number,
                number,
                number,
                number
            ] | null;
            /**
             * @description The tiles' image format; `null` where an external template does not say.
             * @enum {string|null}
             */
            format: "png" | "jpg" | "webp" | null;
            max_zoom: number;
            min_zoom: number;
            /**
             * @description A template with `{z}`, `{x}` and `{y}`: `/v1/tiles/{z}/{x}/{y}` (load with the bearer token) or an external server's `https://...` (load as it is).
             * @example /v1/tiles/{z}/{x}/{y}
             */
            url: string;
        };
        /** @description Who the caller is: its party, its role, and its credential's id. */
        Me: {
            /** @description Whether the party is the coordinating authority. */
            coordinator: boolean;
            credential_id: string;
            party: string;
            /** @enum {string} */
            role: "viewer" | "operator" | "approver" | "auditor";
        };
        /**
         * @description How far a party's notification of the conflict has gone. Of its own side
         *     the caller reads all of it (the coordinator, of every side); of another
         *     party's side only `acknowledged`: never whether or when it was
         *     delivered, nor when it was acknowledged.
         */
        Notification: {
            /** @description Whether the party has acknowledged the conflict. */
            acknowledged: boolean;
            /** @description The caller's own side only (every side for the coordinator). */
            acknowledged_at?: components["schemas"]["Time"];
            /** @description The caller's own side only (every side for the coordinator). */
            delivered_at?: components["schemas"]["Time"];
            /**
             * @description The caller's own side only (every side for the coordinator).
             * @enum {string}
             */
            state?: "pending" | "delivered" | "acknowledged";
        };
        /** @enum {string} */
        NotificationChange: "delivered" | "acknowledged";
        /** @description A reference to one of the caller's (or a fully visible) objects. */
        ObjectRef: {
            id: string;
            /**
             * @description What kind of object a reference names.
             * @enum {string}
             */
            type: "declaration" | "activity" | "conflict" | "incident";
        };
        OgcCollection: {
            crs?: string[];
            id: string;
            /** @constant */
            itemType?: "feature";
            links: components["schemas"]["OgcLink"][];
            title?: string;
        };
        OgcCollections: {
            collections: components["schemas"]["OgcCollection"][];
            links: components["schemas"]["OgcLink"][];
        };
        OgcConformance: {
            conformsTo: string[];
        };
        OgcLanding: {
            description?: string;
            links: components["schemas"]["OgcLink"][];
            title?: string;
        };
        OgcLink: {
            href: string;
            rel: string;
            title?: string;
            type?: string;
        };
        /**
         * @description Where and when a conflict's volumes overlap: the overlap of the two
         *     windows rounded outward to whole hours (UTC), the area whole 0.05° cells.
         */
        Overlap: {
            area: components["schemas"]["Area"];
            from: components["schemas"]["Time"];
            to: components["schemas"]["Time"] | null;
        };
        /** @description An approver's override. */
        Override: {
            at: components["schemas"]["Time"];
            reason: string;
        };
        /** @description One pattern of questions past its budget. */
        PatternSeen: {
            /** Format: uint32 */
            budget: number;
            /** Format: uint32 */
            count: number;
            objects: string[];
            /** @enum {string} */
            pattern: "disclosed_objects" | "quick_cycles";
        };
        Payload: {
            pointer: string;
            /** @description 64 lowercase hex digits. */
            salt: string;
            seq: number;
            /** @description The field's value as the JSON text committed to. */
            value: string;
        };
        /** @description RFC 7807 problem details. */
        Problem: {
            /** @enum {string} */
            code: "unauthenticated" | "role_forbidden" | "not_coordinator" | "not_owner" | "not_involved" | "not_found" | "no_route" | "method_not_allowed" | "wrong_state" | "version_mismatch" | "unacknowledged_conflicts" | "too_large" | "invalid_field" | "reason_required" | "malformed_body" | "invalid_query" | "rate_limited" | "quota_exceeded" | "reports_too_fast" | "too_many_failures" | "internal" | "timeout" | "unavailable" | "tampered" | "store_unreachable" | "too_many_webhooks" | "too_many_witnesses" | "rule_refused" | "stopped" | "awaiting_reconfirmation" | "import_refused";
            /** @example geometry.coordinates[1]: latitude 91 is outside -90..=90 */
            detail: string;
            /** @description Every feature an import refused (`import_refused`): its index in the list, the field at fault, why. */
            errors?: {
                detail: string;
                field?: string;
                index: number;
            }[];
            /** @description The field at fault, as a path into the body or the query parameter's name. */
            field?: string;
            /** @description The rule of the theatre that refused (`rule_refused`): one that binds the caller. */
            rule?: {
                name: string;
                version: number;
            };
            status: number;
            title: string;
            /** @example urn:deconflict:problem:invalid_field */
            type: string;
        };
        /**
         * @description The body of an action that may carry a reason (`clear`, `hold`, `deny`,
         *     `override`) or none (`start`, `complete`, `cancel`, `acknowledge`).
         */
        ReasonBody: {
            /** @default null */
            reason?: string | null;
        };
        /**
         * @description Where a reveal stands.
         * @enum {string}
         */
        RevealStep: "requested" | "revealed";
        /** @description What a rule says, by `type`. */
        Rule: {
            kinds: string[];
            /** @constant */
            type: "forbid";
        } | {
            kinds: string[];
            /** @constant */
            type: "clearance";
        } | {
            /** Format: double */
            hours: number;
            kind: string;
            /** @constant */
            type: "notice";
        } | {
            altitude_m?: components["schemas"]["AltitudeBand"] | null;
            /**
             * Format: double
             * @default 0
             */
            buffer_m?: number;
            effect: components["schemas"]["AreaEffect"];
            geometry: components["schemas"]["Geometry"];
            kinds?: string[];
            label: string;
            /** @constant */
            type: "area";
            valid_from: components["schemas"]["Time"];
            /** @description Exclusive; absent: until a new version says otherwise. */
            valid_to?: components["schemas"]["Time"] | null;
        } | {
            kinds: string[];
            /** @constant */
            type: "priority";
        } | {
            /** Format: double */
            hours: number;
            /** @constant */
            type: "respond";
        } | {
            /** Format: double */
            hours: number;
            kind: string;
            /** @constant */
            type: "reconfirm";
        } | {
            kind: string;
            /** Format: double */
            max_altitude_m?: number | null;
            /** Format: double */
            max_area_km2?: number | null;
            /** Format: double */
            max_speed_mps?: number | null;
            /** Format: double */
            max_window_h?: number | null;
            /** @constant */
            type: "limits";
        };
        /** @description The rules the caller may read. */
        Rules: {
            /**
             * @description The kinds that wait for clearance for a party no clearance rule
             *     binds, from the service's configuration.
             */
            configured_clearance: string[];
            /**
             * @description Every version of every rule the caller may read, by name then
             *     version.
             */
            rules: components["schemas"]["RuleVersion"][];
        };
        /** @description A new version of a rule (`POST /v1/rules`). */
        RuleSet: {
            /**
             * @description When this version takes effect; absent: now.
             * @default null
             */
            effective_from?: components["schemas"]["Time"] | null;
            /** @description The rule's name, the same for all its versions. */
            name: string;
            /**
             * @description The parties it binds; absent or empty: every party.
             * @default []
             */
            parties?: string[];
            /**
             * @description Read by every party, not only those it binds.
             * @default false
             */
            public?: boolean;
            reason?: string | null;
            /** @description What it says; `null`: from `effective_from` on it no longer stands. */
            rule?: components["schemas"]["Rule"] | null;
        };
        /** @description One version of a rule, as the caller may read it. */
        RuleVersion: {
            effective_from: components["schemas"]["Time"];
            /**
             * Format: uint64
             * @description The log entry that set it.
             */
            entry: number;
            /** @description Whether this is the version in force (at `as_of`, or now). */
            in_force: boolean;
            name: string;
            /** @description The parties it binds; empty: every party. */
            parties: string[];
            public: boolean;
            reason: string;
            /** @description `null`: this version rescinds the rule. */
            rule: components["schemas"]["Rule"] | null;
            set_at: components["schemas"]["Time"];
            /** Format: uint64 */
            version: number;
        };
        /** @enum {string} */
        SiteChange: "unconfirmed" | "asked" | "reconfirmed" | "challenged" | "answered" | "ruled";
        /** @description What stands for the caller's party. */
        Standing: {
            /** @description Oldest first. */
            alerts: components["schemas"]["StandingAlert"][];
            escalations: components["schemas"]["Escalation"][];
            stops: components["schemas"]["Stop"][];
        };
        /** @description One alert raised to the caller's party. */
        StandingAlert: {
            acknowledged_at?: components["schemas"]["Time"];
            /** @description The credential of the party's that acknowledged it. */
            acknowledged_by?: string;
            alert: components["schemas"]["Alert"];
            /**
             * @description `alr_<entry>_<index>`: the entry that raised it and its place among
             *     that entry's alerts to the party.
             */
            id: string;
            raised_at: components["schemas"]["Time"];
            /** @enum {string} */
            state: "new" | "acknowledged";
        };
        /** @description Everything the caller may see, as of one log entry. */
        State: {
            activities: components["schemas"]["Activity"][];
            conflicts: components["schemas"]["Conflict"][];
            declarations: components["schemas"]["Declaration"][];
            /**
             * Format: uint64
             * @description The last entry the view includes; `null` for an empty log.
             */
            seq: number | null;
        };
        /** @description One change of an incident's status: who, when, why. */
        StatusChange: {
            at: components["schemas"]["Time"];
            duplicate_of: string | null;
            party: string;
            reason: string | null;
            status: components["schemas"]["IncidentStatus"];
        };
        /**
         * @description A check fire as the caller may see it: an owner of an activity it held
         *     sees when and why, and its own activities; the raiser and the
         *     coordinator see where, and how many it held.
         */
        Stop: {
            /**
             * @description Whether the caller's party acknowledged it; absent when it has
             *     nothing to acknowledge.
             */
            acknowledged?: boolean;
            cause: components["schemas"]["StopCause"];
            /** @description The raiser's and the coordinator's. */
            detail?: components["schemas"]["StopDetail"];
            /**
             * @description Ids of the caller's own activities it held (every one, for the
             *     coordinator).
             */
            held: string[];
            /**
             * Format: uint
             * @description How many activities it held: the raiser's (unless past its budget of
             *     answers) and the coordinator's.
             */
            held_count?: number;
            id: string;
            lifted?: components["schemas"]["Time"];
            raised: components["schemas"]["Time"];
            state: components["schemas"]["StopState"];
            until: components["schemas"]["Time"];
        };
        /**
         * @description Why a stop is raised: what the owners of the activities it holds are
         *     told.
         * @enum {string}
         */
        StopCause: "troops_in_contact" | "friendly_fire" | "civilians_present" | "other";
        /** @enum {string} */
        StopChange: "raised" | "held" | "reminder" | "acknowledged" | "lifted";
        /** @description Where and why a stop was raised, and by whom. */
        StopDetail: {
            altitude_m?: components["schemas"]["AltitudeBand"];
            /** Format: double */
            buffer_m: number;
            geometry: components["schemas"]["Geometry"];
            lift_reason?: string;
            raised_by: string;
            reason: string;
            /** @description The coordinator's: the parties (and itself) still to acknowledge. */
            unacknowledged?: string[];
        };
        /** @description Check fire over an area from now until `until` (`POST /v1/stops`). */
        StopRaise: {
            /**
             * @description Absent: every altitude.
             * @default null
             */
            altitude_m?: components["schemas"]["AltitudeBand"] | null;
            /**
             * Format: double
             * @default 0
             */
            buffer_m?: number;
            cause: components["schemas"]["StopCause"];
            geometry: components["schemas"]["Geometry"];
            reason?: string | null;
            /** @description Exclusive; at most 24 hours ahead. */
            until: components["schemas"]["Time"];
        };
        /** @description The stops the caller may see. */
        Stops: {
            items: components["schemas"]["Stop"][];
        };
        /**
         * @description Where a stop stands.
         * @enum {string}
         */
        StopState: "standing" | "lifted" | "expired";
        /**
         * @description A party's objects may not cause holds in `area` from `from` until
         *     `until`, as the coordinator decided, for `reason`.
         */
        Suspension: {
            area: components["schemas"]["Geometry"];
            from: components["schemas"]["Time"];
            party: string;
            reason: string;
            until: components["schemas"]["Time"];
        };
        /**
         * Format: date-time
         * @description RFC 3339; answers are UTC with milliseconds.
         * @example 2020-01-05T06:00:00.000Z
         */
        Time: string;
        /** @description A unit's last reported position, and whether it has gone stale. */
        Track: {
            /** Format: double */
            ce_m?: number;
            /** Format: double */
            course?: number;
            /** Format: double */
            hae?: number;
            /** Format: double */
            lat: number;
            /** Format: double */
            lon: number;
            /**
             * @description Stale past the largest reach it may be given: where it is is not
             *     known, and it meets no new activity until it reports again.
             */
            lost: boolean;
            /** Format: double */
            speed?: number;
            /**
             * @description Silent past twice its interval: conflicts are checked against
             *     `stale_buffer_m` around this position.
             */
            stale: boolean;
            /**
             * Format: double
             * @description While stale: the buffer assumed around the last position.
             */
            stale_buffer_m?: number;
            time: components["schemas"]["Time"];
        };
        /**
         * @description A unit that reports its position (`POST /v1/tracks`, Cursor-on-Target).
         *     Past twice its interval without a report it is stale: conflicts are
         *     checked against its last position grown by `max_speed_mps` times its
         *     silence, up to the service's cap (20 km by default, never more than its
         *     kind's area limit); there it is lost: it meets no new activity (the
         *     coordinator is alerted instead) until it reports again. A report or an
         *     amendment that puts it farther from its last report than it could have
         *     gone is refused.
         */
        Tracking: {
            /**
             * @description The Cursor-on-Target uid its device reports under; unique among the
             *     party's standing declarations.
             */
            cot_uid?: string | null;
            /**
             * Format: double
             * @description Default: the service's policy (30 m/s). At most its kind's ceiling:
             *     70 m/s for a `unit_position`, 40 for a `convoy`, 350 for a `flight`
             *     (configurable).
             */
            max_speed_mps?: number | null;
            /** Format: uint32 */
            report_interval_s: number;
        };
        /** @description One position report, as TAK and C2 systems give it. */
        TrackReportIn: {
            /**
             * Format: double
             * @description Circular error, metres; grows the unit's buffer.
             * @default null
             */
            ce_m?: number | null;
            /**
             * Format: double
             * @description Degrees from true north.
             * @default null
             */
            course?: number | null;
            /** @description A standing declaration of the caller's party declared with `tracking`. */
            declaration_id: string;
            /**
             * Format: double
             * @description Height above the ellipsoid, metres.
             * @default null
             */
            hae?: number | null;
            /** Format: double */
            lat: number;
            /** Format: double */
            lon: number;
            /**
             * Format: double
             * @description Metres a second.
             * @default null
             */
            speed?: number | null;
            /**
             * @description When the unit was there; at most five minutes ahead of the service's
             *     clock.
             */
            time: components["schemas"]["Time"];
        };
        /** @description A batch of position reports (`POST /v1/tracks`). */
        TracksIn: {
            reports: components["schemas"]["TrackReportIn"][];
        };
        /** @description What a batch did, as the caller may see it. */
        TracksOut: {
            /** Format: uint */
            accepted: number;
            /**
             * @description Ids of the opened conflicts that are alerts: a unit in a cleared or
             *     active hazard.
             */
            alerts: string[];
            /** @description Conflicts the batch opened. */
            opened: components["schemas"]["Conflict"][];
            /** @description Conflicts it resolved, by id. */
            resolved: string[];
            /**
             * Format: uint64
             * @description The log entry that records the batch.
             */
            seq: number;
        };
        /** @description One step of an activity's life. */
        Transition: {
            at: components["schemas"]["Time"];
            reason?: string;
            state: components["schemas"]["ActivityState"];
        };
        /**
         * @description Who may see a declaration in full: `private`, its own party and the
         *     coordinator; `public`, every party (a no-strike list entry).
         * @enum {string}
         */
        Visibility: "private" | "public";
        /** @description A webhook and where its deliveries stand; never its secret. */
        Webhook: {
            /**
             * Format: uint32
             * @description Failed attempts in a row; 0 once an event is delivered.
             */
            attempts: number;
            created_at: components["schemas"]["Time"];
            /**
             * Format: uint64
             * @description The last log entry whose events were all delivered (at registration,
             *     the log's end then).
             */
            cursor: number;
            /**
             * Format: uint64
             * @description Events delivered so far.
             */
            delivered: number;
            /** @example whk_0f1e2d3c4b5a6978 */
            id: string;
            last_attempt_at: components["schemas"]["Time"] | null;
            /** @description Why the last attempt failed; `null` after a delivery. */
            last_error: string | null;
            /**
             * Format: uint16
             * @description The HTTP status of the last attempt, if the receiver answered.
             */
            last_status: number | null;
            /** @description When the failed event is sent again; `null` while deliveries succeed. */
            next_attempt_at: components["schemas"]["Time"] | null;
            url: string;
        };
        /** @description A webhook to register. */
        WebhookIn: {
            /**
             * Format: uri
             * @description An `http://` or `https://` URL with a host, without a user name or
             *     password. https receivers are checked against Mozilla's root
             *     certificates.
             * @example https://ops.example.org/deconflict
             */
            url: string;
        };
        /**
         * @description The answer to a registration, the one place the secret is shown. No
         *     `Debug`, so it cannot end up in a log.
         */
        WebhookRegistered: {
            /**
             * Format: uint32
             * @description Failed attempts in a row; 0 once an event is delivered.
             */
            attempts: number;
            created_at: components["schemas"]["Time"];
            /**
             * Format: uint64
             * @description The last log entry whose events were all delivered (at registration,
             *     the log's end then).
             */
            cursor: number;
            /**
             * Format: uint64
             * @description Events delivered so far.
             */
            delivered: number;
            /** @example whk_0f1e2d3c4b5a6978 */
            id: string;
            last_attempt_at: components["schemas"]["Time"] | null;
            /** @description Why the last attempt failed; `null` after a delivery. */
            last_error: string | null;
            /**
             * Format: uint16
             * @description The HTTP status of the last attempt, if the receiver answered.
             */
            last_status: number | null;
            /** @description When the failed event is sent again; `null` while deliveries succeed. */
            next_attempt_at: components["schemas"]["Time"] | null;
            /**
             * @description The HMAC-SHA256 key of the deliveries' signatures, in hex. Shown only
             *     here.
             */
            secret: string;
            /**
             * @description The same key as Standard Webhooks libraries take it (`whsec_` and its
             *     base64), to check `webhook-signature`. Shown only here.
             */
            standard_webhooks_secret: string;
            url: string;
        };
        /** @description When an incident happened: `to` exclusive. */
        Window: {
            from: components["schemas"]["Time"];
            to: components["schemas"]["Time"];
        };
        /**
         * @description Why the party that opened a conflict was told only that the coordinator
         *     will contact it: `wide` (its question met more than a few objects of other
         *     parties, or covered a large area) or `budget` (it had spent its budget of
         *     answers); `opener_shown` false when it was not shown the conflict at all
         *     and the coordinator is to tell it.
         */
        Withheld: {
            opener_shown: boolean;
            /** @enum {string} */
            reason: "wide" | "budget";
        };
    };
    responses: {
        /** @description The role or party may not do this (`role_forbidden`, `not_coordinator`, `not_owner`, `not_involved`). */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description No such object, or one the caller may not know exists; the two answers are byte-identical (`not_found`). */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The credential's rate limit is exhausted (`rate_limited`), or the caller's address failed to authenticate too often and is refused until the window ends, whatever token it sends (`too_many_failures`), or the party wrote its daily quota of bytes to the log (`quota_exceeded`), or a batch carries more reports of one of the caller's units than its declared interval allows (`reports_too_fast`, `field` naming the first); see `Retry-After`. */
        RateLimited: {
            headers: {
                /** @description Seconds to wait. */
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The object's state does not allow this (`wrong_state`, `version_mismatch`, `unacknowledged_conflicts`, `stopped`: the activity meets a check fire that still stands, or `awaiting_reconfirmation`: it meets an unconfirmed site whose owner may still re-confirm it). */
        StateConflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The body exceeds the configured limit, or a geometry has more positions than the service takes (`too_large`; `field` names the geometry). */
        TooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description No bearer token, or an unknown or revoked one (`unauthenticated`). */
        Unauthenticated: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The request timed out (`timeout`) or the log refuses appends after a failed write (`unavailable`), or an entry in the log's store no longer gives the leaf the log published for it (`tampered`: restore the data directory from a good copy), or the log's database cannot be reached for now (`store_unreachable`: several nodes on PostgreSQL, during a failover; nothing was done, retry). */
        Unavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description A field is refused (`invalid_field`, `reason_required`, or `rule_refused` with the `rule` that refused), the body is malformed (`malformed_body`: syntax, type, missing or unknown field) or a query parameter is (`invalid_query`); `field` names it, e.g. `geometry.coordinates[0][1]`. */
        Unprocessable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: {
        /** @description The `next_after` of the previous page. */
        After: string;
        /** @description `west,south,east,north` in degrees: items whose volume (buffer included) meets the box. */
        Bbox: string;
        /** @description The answer's format, over `Accept`: the API's JSON, an RFC 7946 GeoJSON Feature or FeatureCollection, a KML document, or CSV with the geometry as WKT. Every format shows exactly what the JSON shows the caller. */
        Format: "json" | "geojson" | "kml" | "csv";
        /** @description Items whose window ends after this time. */
        From: components["schemas"]["Time"];
        /** @description An object id (`dec_`, `act_` or `con_` and 12 hex digits). */
        Id: string;
        /** @description Only items of this kind. */
        Kind: string;
        /** @description Items per page, capped by the service's `max_page`. */
        Limit: number;
        /** @description With a GIS format: each geometry is the area its buffer covers (geodesically buffered, cut at the antimeridian) rather than the shape and its `buffer_m`. A coarse conflict's area is its box either way. */
        Outline: boolean;
        /** @description Items whose window starts before this time. */
        To: components["schemas"]["Time"];
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Serving. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        status: "ok";
                    };
                };
            };
            /** @description The log refuses appends after a failed write (`unavailable`, problem+json), or a Cursor-on-Target listener cannot accept connections (`degraded`). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        status: "degraded";
                    };
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deviceEnrolmentProfile: {
        parameters: {
            query?: {
                /** @description The TAK client's uid; not used. */
                clientUid?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No profile. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthenticated"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    deviceCertificateConfig: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A TAK `certificateConfig`: `nameEntry` elements `O` and `OU`. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/xml": string;
                };
            };
            401: components["responses"]["Unauthenticated"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    signDeviceCertificate: {
        parameters: {
            query?: {
                /** @description The TAK client's uid, recorded with the certificate. */
                clientUid?: string;
                /** @description The client's version; not used. */
                version?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/pkcs10": string;
                "text/plain": string;
            };
        };
        responses: {
            /** @description The certificate (`signedCert`) and the certificates the device should trust (`ca0`, `ca1`, …: the anchors of the service's TLS certificate, then the device CA), each the base64 of its DER. XML (`enrollment` with `signedCert` and `ca` elements) when the client accepts only XML. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        signedCert: string;
                    } & {
                        [key: string]: string;
                    };
                    "application/xml": string;
                };
            };
            401: components["responses"]["Unauthenticated"];
            409: components["responses"]["StateConflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    metrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text exposition format 0.0.4. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description No metrics token, another token, or none configured: the same `no_route` problem as a path that does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ogcLanding: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The landing page. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OgcLanding"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    ogcCollections: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The collections. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OgcCollections"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    ogcCollection: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A collection: one of the API's lists, as the caller may see it. */
                collection: "declarations" | "tracks" | "activities" | "conflicts" | "incidents" | "stops";
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The collection. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OgcCollection"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    ogcItems: {
        parameters: {
            query?: {
                /** @description The cursor a `next` link carries. */
                after?: string;
                /** @description `west,south,east,north` in degrees: items whose volume (buffer included) meets the box. */
                bbox?: components["parameters"]["Bbox"];
                /** @description An RFC 3339 instant, or an interval `start/end` with `..` for an open end: features whose window meets it. */
                datetime?: string;
                /** @description Features per page, capped by the service's `max_page`. */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description A collection: one of the API's lists, as the caller may see it. */
                collection: "declarations" | "tracks" | "activities" | "conflicts" | "incidents" | "stops";
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The page. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/geo+json": components["schemas"]["FeatureCollection"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    ogcItem: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A collection: one of the API's lists, as the caller may see it. */
                collection: "declarations" | "tracks" | "activities" | "conflicts" | "incidents" | "stops";
                /** @description The object's id. */
                feature: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The feature. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/geo+json": components["schemas"]["Feature"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    ogcConformance: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The conformance classes. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OgcConformance"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    listActivities: {
        parameters: {
            query?: {
                /** @description The `next_after` of the previous page. */
                after?: components["parameters"]["After"];
                /** @description `west,south,east,north` in degrees: items whose volume (buffer included) meets the box. */
                bbox?: components["parameters"]["Bbox"];
                /** @description The answer's format, over `Accept`: the API's JSON, an RFC 7946 GeoJSON Feature or FeatureCollection, a KML document, or CSV with the geometry as WKT. Every format shows exactly what the JSON shows the caller. */
                f?: components["parameters"]["Format"];
                /** @description Items whose window ends after this time. */
                from?: components["parameters"]["From"];
                /** @description Only items of this kind. */
                kind?: components["parameters"]["Kind"];
                /** @description Items per page, capped by the service's `max_page`. */
                limit?: components["parameters"]["Limit"];
                /** @description With a GIS format: each geometry is the area its buffer covers (geodesically buffered, cut at the antimeridian) rather than the shape and its `buffer_m`. A coarse conflict's area is its box either way. */
                outline?: components["parameters"]["Outline"];
                state?: components["schemas"]["ActivityState"];
                /** @description Items whose window starts before this time. */
                to?: components["parameters"]["To"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/geo+json": components["schemas"]["FeatureCollection"];
                    "application/json": components["schemas"]["ActivityPage"];
                    "application/vnd.google-earth.kml+xml": string;
                    "text/csv": string;
                };
            };
            401: components["responses"]["Unauthenticated"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    submitActivity: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ActivityIn"];
            };
        };
        responses: {
            /** @description Submitted; durable in the log. */
            201: {
                headers: {
                    /** @description The new object's URL. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ActivitySubmitted"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    getActivity: {
        parameters: {
            query?: {
                /** @description The answer's format, over `Accept`: the API's JSON, an RFC 7946 GeoJSON Feature or FeatureCollection, a KML document, or CSV with the geometry as WKT. Every format shows exactly what the JSON shows the caller. */
                f?: components["parameters"]["Format"];
                /** @description With a GIS format: each geometry is the area its buffer covers (geodesically buffered, cut at the antimeridian) rather than the shape and its `buffer_m`. A coarse conflict's area is its box either way. */
                outline?: components["parameters"]["Outline"];
            };
            header?: never;
            path: {
                /** @description An object id (`dec_`, `act_` or `con_` and 12 hex digits). */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The activity. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/geo+json": components["schemas"]["Feature"];
                    "application/json": components["schemas"]["Activity"];
                    "application/vnd.google-earth.kml+xml": string;
                    "text/csv": string;
                };
            };
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    cancelActivity: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An object id (`dec_`, `act_` or `con_` and 12 hex digits). */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        /** @description No fields; may be left out. */
        requestBody?: {
            content: {
                "application/json": components["schemas"]["EmptyBody"];
            };
        };
        responses: {
            /** @description The activity after the move; durable in the log. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Activity"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["StateConflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    clearActivity: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An object id (`dec_`, `act_` or `con_` and 12 hex digits). */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        /** @description `reason` is required. */
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ReasonBody"];
            };
        };
        responses: {
            /** @description The activity after the move; durable in the log. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Activity"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["StateConflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    completeActivity: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An object id (`dec_`, `act_` or `con_` and 12 hex digits). */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        /** @description No fields; may be left out. */
        requestBody?: {
            content: {
                "application/json": components["schemas"]["EmptyBody"];
            };
        };
        responses: {
            /** @description The activity after the move; durable in the log. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Activity"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["StateConflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    denyActivity: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An object id (`dec_`, `act_` or `con_` and 12 hex digits). */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        /** @description `reason` is required. */
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ReasonBody"];
            };
        };
        responses: {
            /** @description The activity after the move; durable in the log. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Activity"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["StateConflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    holdActivity: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An object id (`dec_`, `act_` or `con_` and 12 hex digits). */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        /** @description `reason` is optional. */
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ReasonBody"];
            };
        };
        responses: {
            /** @description The activity after the move; durable in the log. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Activity"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["StateConflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    startActivity: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An object id (`dec_`, `act_` or `con_` and 12 hex digits). */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        /** @description No fields; may be left out. */
        requestBody?: {
            content: {
                "application/json": components["schemas"]["EmptyBody"];
            };
        };
        responses: {
            /** @description The activity after the move; durable in the log. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Activity"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["StateConflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    listStanding: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description What stands. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Standing"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    acknowledgeAlert: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The alert's id, `alr_<entry>_<index>`. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["EmptyBody"];
            };
        };
        responses: {
            /** @description The alert, acknowledged. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StandingAlert"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["StateConflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    listChallenges: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The challenges. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Challenges"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    getChallenge: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A challenge's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The challenge. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Challenge"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    answerChallenge: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A challenge's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChallengeAnswer"];
            };
        };
        responses: {
            /** @description The challenge; durable in the log. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Challenge"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["StateConflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    ruleChallenge: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A challenge's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChallengeRulingIn"];
            };
        };
        responses: {
            /** @description The challenge; durable in the log. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Challenge"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["StateConflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    listConflicts: {
        parameters: {
            query?: {
                /** @description The `next_after` of the previous page. */
                after?: components["parameters"]["After"];
                /** @description The answer's format, over `Accept`: the API's JSON, an RFC 7946 GeoJSON Feature or FeatureCollection, a KML document, or CSV with the geometry as WKT. Every format shows exactly what the JSON shows the caller. */
                f?: components["parameters"]["Format"];
                /** @description Items per page, capped by the service's `max_page`. */
                limit?: components["parameters"]["Limit"];
                /** @description With a GIS format: each geometry is the area its buffer covers (geodesically buffered, cut at the antimeridian) rather than the shape and its `buffer_m`. A coarse conflict's area is its box either way. */
                outline?: components["parameters"]["Outline"];
                state?: "open" | "resolved" | "overridden";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/geo+json": components["schemas"]["FeatureCollection"];
                    "application/json": components["schemas"]["ConflictPage"];
                    "application/vnd.google-earth.kml+xml": string;
                    "text/csv": string;
                };
            };
            401: components["responses"]["Unauthenticated"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    getConflict: {
        parameters: {
            query?: {
                /** @description The answer's format, over `Accept`: the API's JSON, an RFC 7946 GeoJSON Feature or FeatureCollection, a KML document, or CSV with the geometry as WKT. Every format shows exactly what the JSON shows the caller. */
                f?: components["parameters"]["Format"];
                /** @description With a GIS format: each geometry is the area its buffer covers (geodesically buffered, cut at the antimeridian) rather than the shape and its `buffer_m`. A coarse conflict's area is its box either way. */
                outline?: components["parameters"]["Outline"];
            };
            header?: never;
            path: {
                /** @description An object id (`dec_`, `act_` or `con_` and 12 hex digits). */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The conflict. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/geo+json": components["schemas"]["Feature"];
                    "application/json": components["schemas"]["Conflict"];
                    "application/vnd.google-earth.kml+xml": string;
                    "text/csv": string;
                };
            };
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    acknowledgeConflict: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An object id (`dec_`, `act_` or `con_` and 12 hex digits). */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["EmptyBody"];
            };
        };
        responses: {
            /** @description The conflict after; durable in the log. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Conflict"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["StateConflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    overrideConflict: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An object id (`dec_`, `act_` or `con_` and 12 hex digits). */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ReasonBody"];
            };
        };
        responses: {
            /** @description The conflict after; durable in the log. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Conflict"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["StateConflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    listDeclarations: {
        parameters: {
            query?: {
                /** @description The `next_after` of the previous page. */
                after?: components["parameters"]["After"];
                /** @description `west,south,east,north` in degrees: items whose volume (buffer included) meets the box. */
                bbox?: components["parameters"]["Bbox"];
                /** @description The answer's format, over `Accept`: the API's JSON, an RFC 7946 GeoJSON Feature or FeatureCollection, a KML document, or CSV with the geometry as WKT. Every format shows exactly what the JSON shows the caller. */
                f?: components["parameters"]["Format"];
                /** @description Items whose window ends after this time. */
                from?: components["parameters"]["From"];
                include_withdrawn?: boolean;
                /** @description Only items of this kind. */
                kind?: components["parameters"]["Kind"];
                /** @description Items per page, capped by the service's `max_page`. */
                limit?: components["parameters"]["Limit"];
                /** @description With a GIS format: each geometry is the area its buffer covers (geodesically buffered, cut at the antimeridian) rather than the shape and its `buffer_m`. A coarse conflict's area is its box either way. */
                outline?: components["parameters"]["Outline"];
                /** @description Items whose window starts before this time. */
                to?: components["parameters"]["To"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/geo+json": components["schemas"]["FeatureCollection"];
                    "application/json": components["schemas"]["DeclarationPage"];
                    "application/vnd.google-earth.kml+xml": string;
                    "text/csv": string;
                };
            };
            401: components["responses"]["Unauthenticated"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    createDeclaration: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeclarationIn"];
            };
        };
        responses: {
            /** @description Declared; durable in the log. */
            201: {
                headers: {
                    /** @description The new object's URL. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeclarationChange"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    getDeclaration: {
        parameters: {
            query?: {
                /** @description The answer's format, over `Accept`: the API's JSON, an RFC 7946 GeoJSON Feature or FeatureCollection, a KML document, or CSV with the geometry as WKT. Every format shows exactly what the JSON shows the caller. */
                f?: components["parameters"]["Format"];
                /** @description With a GIS format: each geometry is the area its buffer covers (geodesically buffered, cut at the antimeridian) rather than the shape and its `buffer_m`. A coarse conflict's area is its box either way. */
                outline?: components["parameters"]["Outline"];
            };
            header?: never;
            path: {
                /** @description An object id (`dec_`, `act_` or `con_` and 12 hex digits). */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The declaration. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/geo+json": components["schemas"]["Feature"];
                    "application/json": components["schemas"]["Declaration"];
                    "application/vnd.google-earth.kml+xml": string;
                    "text/csv": string;
                };
            };
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    amendDeclaration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An object id (`dec_`, `act_` or `con_` and 12 hex digits). */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeclarationIn"];
            };
        };
        responses: {
            /** @description Amended; durable in the log. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeclarationChange"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["StateConflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    withdrawDeclaration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An object id (`dec_`, `act_` or `con_` and 12 hex digits). */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Withdrawn; durable in the log. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeclarationChange"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["StateConflict"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    challengeDeclaration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A declaration's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChallengeRaise"];
            };
        };
        responses: {
            /** @description The challenge; durable in the log. */
            201: {
                headers: {
                    /** @description The new object's URL. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Challenge"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["StateConflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    disputeDeclaration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    disputed: boolean;
                    reason: string;
                };
            };
        };
        responses: {
            /** @description The declaration. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Declaration"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
        };
    };
    reconfirmDeclaration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A declaration's id. */
                id: string;
            };
            cookie?: never;
        };
        /** @description No fields; may be left out. */
        requestBody?: {
            content: {
                "application/json": components["schemas"]["EmptyBody"];
            };
        };
        responses: {
            /** @description The declaration; durable in the log. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Declaration"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["StateConflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    importDeclarations: {
        parameters: {
            query?: {
                /** @description The buffer of a feature that gives none (default 0). */
                buffer_m?: number;
                /** @description `coarse` (default) or `coordinator_only`, for a feature that does not say. */
                disclosure?: "coarse" | "coordinator_only";
                /** @description The kind of a feature that names none. */
                kind?: string;
                /** @description RFC 3339: when a feature that does not say stands from (default now). */
                valid_from?: components["schemas"]["Time"];
                /** @description RFC 3339: when a feature that does not say stops standing (default never). */
                valid_to?: components["schemas"]["Time"];
                /** @description `private` (default) or `public`, for a feature that does not say. */
                visibility?: "private" | "public";
            };
            header: {
                /** @description The caller's key for this list: a retry under it imports nothing twice. */
                "Idempotency-Key": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/geo+json": components["schemas"]["FeatureCollection"];
                "application/vnd.google-earth.kml+xml": string;
                "text/csv": string;
            };
        };
        responses: {
            /** @description Imported before under this key: nothing new. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Imported"];
                };
            };
            /** @description Imported. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Imported"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    streamEvents: {
        parameters: {
            query?: {
                /** @description The same, for clients that cannot set headers. */
                after?: string;
            };
            header?: {
                /** @description The last event id seen: `<seq>-<n>`, or `<seq>` for all of entry seq's events. */
                "Last-Event-ID"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The stream: `id: <seq>-<n>`, `event: <type>`, `data: <an Event as JSON>`. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            401: components["responses"]["Unauthenticated"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
        };
    };
    getHolds: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Counts and suspensions. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        caused: {
                            [key: string]: number;
                        };
                        /** Format: date-time */
                        since: string;
                        suspensions: components["schemas"]["Suspension"][];
                    };
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["RateLimited"];
        };
    };
    suspendHolds: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    area: components["schemas"]["Geometry"];
                    party: string;
                    reason: string;
                    /** Format: date-time */
                    until: string;
                };
            };
        };
        responses: {
            /** @description The suspension. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Suspension"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
        };
    };
    listIncidents: {
        parameters: {
            query?: {
                after?: string;
                /** @description The answer's format, over `Accept`: the API's JSON, an RFC 7946 GeoJSON Feature or FeatureCollection, a KML document, or CSV with the geometry as WKT. Every format shows exactly what the JSON shows the caller. */
                f?: components["parameters"]["Format"];
                limit?: number;
                /** @description With a GIS format: each geometry is the area its buffer covers (geodesically buffered, cut at the antimeridian) rather than the shape and its `buffer_m`. A coarse conflict's area is its box either way. */
                outline?: components["parameters"]["Outline"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page, by id. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/geo+json": components["schemas"]["FeatureCollection"];
                    "application/json": {
                        items: components["schemas"]["Incident"][];
                        next_after: string | null;
                    };
                    "application/vnd.google-earth.kml+xml": string;
                    "text/csv": string;
                };
            };
            401: components["responses"]["Unauthenticated"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
        };
    };
    reportIncident: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["IncidentIn"];
            };
        };
        responses: {
            /** @description Reported. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Incident"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
        };
    };
    getIncident: {
        parameters: {
            query?: {
                /** @description The answer's format, over `Accept`: the API's JSON, an RFC 7946 GeoJSON Feature or FeatureCollection, a KML document, or CSV with the geometry as WKT. Every format shows exactly what the JSON shows the caller. */
                f?: components["parameters"]["Format"];
                /** @description With a GIS format: each geometry is the area its buffer covers (geodesically buffered, cut at the antimeridian) rather than the shape and its `buffer_m`. A coarse conflict's area is its box either way. */
                outline?: components["parameters"]["Outline"];
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The incident. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/geo+json": components["schemas"]["Feature"];
                    "application/json": components["schemas"]["Incident"];
                    "application/vnd.google-earth.kml+xml": string;
                    "text/csv": string;
                };
            };
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
        };
    };
    getEvidence: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The bundle (`deconflict-evidence/v1`), as an attachment. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EvidenceBundle"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["RateLimited"];
        };
    };
    grantEvidence: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    party: string;
                    reason: string;
                };
            };
        };
        responses: {
            /** @description The incident. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Incident"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
        };
    };
    respondToIncident: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["IncidentResponseIn"];
            };
        };
        responses: {
            /** @description The incident with the response; durable in the log. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Incident"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["StateConflict"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
        };
    };
    setIncidentStatus: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["IncidentStatusIn"];
            };
        };
        responses: {
            /** @description The incident after the change. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Incident"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["StateConflict"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
        };
    };
    getCheckpoint: {
        parameters: {
            query?: {
                /** @description The checkpoint of exactly this many entries. */
                size?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The signed note. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
        };
    };
    postCosignature: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    key: string;
                    note: string;
                };
            };
        };
        responses: {
            /** @description Taken. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        size: number;
                    };
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["StateConflict"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
        };
    };
    getLogEntries: {
        parameters: {
            query: {
                /** @description One past the last index. */
                end?: number;
                /** @description The first index. */
                start: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The leaves. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        entries: {
                            /** @description The entry's field commitments, which the leaf's `sealed` hashes; present with `payloads`. */
                            fields?: string[];
                            index: number;
                            leaf: string;
                            /** @description The fields the caller may read, each opening one commitment. */
                            payloads?: components["schemas"]["Payload"][];
                        }[];
                        /** @description Durable entries in the log. */
                        size: number;
                    };
                };
            };
            401: components["responses"]["Unauthenticated"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
        };
    };
    getLogKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description `<origin>+<key id>+<base64 key>` and a newline. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            401: components["responses"]["Unauthenticated"];
            429: components["responses"]["RateLimited"];
        };
    };
    getPayloads: {
        parameters: {
            query: {
                seq: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The fields the caller may read. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description The entry's field commitments, which the leaf's `sealed` hashes; present with `payloads`. */
                        fields?: string[];
                        /** @description The fields the caller may read, each opening one commitment. */
                        payloads?: components["schemas"]["Payload"][];
                        seq: number;
                    };
                };
            };
            401: components["responses"]["Unauthenticated"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
        };
    };
    getConsistencyProof: {
        parameters: {
            query: {
                /** @description The older tree size. */
                from: number;
                /** @description The newer tree size, at most the durable entries. */
                to: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The proof. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LogProof"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
        };
    };
    getInclusionProof: {
        parameters: {
            query: {
                /** @description The leaf. */
                index: number;
                /** @description The tree size, at most the durable entries. */
                size: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The proof. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LogProof"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
        };
    };
    reveal: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @example /command/submit_activity/label */
                    pointer: string;
                    seq: number;
                };
            };
        };
        responses: {
            /** @description Where the reveal stands: `revealed`, with the payload that opens the leaf's commitment, or `requested`, waiting for another approver or the owner's consent. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        payload?: components["schemas"]["Payload"];
                        /** @enum {unknown} */
                        state: "revealed" | "requested";
                    };
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["StateConflict"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
        };
    };
    getMap: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The deployment's ground. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Map"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            429: components["responses"]["RateLimited"];
        };
    };
    whoAmI: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            429: components["responses"]["RateLimited"];
        };
    };
    openapi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OpenAPI 3.1. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
        };
    };
    listRules: {
        parameters: {
            query?: {
                /** @description A sequence number of the log, or an RFC 3339 time. */
                as_of?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The rules. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Rules"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    setRule: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RuleSet"];
            };
        };
        responses: {
            /** @description The version set; durable in the log. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RuleVersion"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    getState: {
        parameters: {
            query?: {
                /** @description A sequence number of the log, or an RFC 3339 time. */
                as_of?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller's view. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["State"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    listStops: {
        parameters: {
            query?: {
                /** @description The answer's format, over `Accept`: the API's JSON, an RFC 7946 GeoJSON Feature or FeatureCollection, a KML document, or CSV with the geometry as WKT. Every format shows exactly what the JSON shows the caller. */
                f?: components["parameters"]["Format"];
                /** @description With a GIS format: each geometry is the area its buffer covers (geodesically buffered, cut at the antimeridian) rather than the shape and its `buffer_m`. A coarse conflict's area is its box either way. */
                outline?: components["parameters"]["Outline"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The stops. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/geo+json": components["schemas"]["FeatureCollection"];
                    "application/json": components["schemas"]["Stops"];
                    "application/vnd.google-earth.kml+xml": string;
                    "text/csv": string;
                };
            };
            401: components["responses"]["Unauthenticated"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    raiseStop: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StopRaise"];
            };
        };
        responses: {
            /** @description The stop; durable in the log. */
            201: {
                headers: {
                    /** @description The new object's URL. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Stop"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    getStop: {
        parameters: {
            query?: {
                /** @description The answer's format, over `Accept`: the API's JSON, an RFC 7946 GeoJSON Feature or FeatureCollection, a KML document, or CSV with the geometry as WKT. Every format shows exactly what the JSON shows the caller. */
                f?: components["parameters"]["Format"];
                /** @description With a GIS format: each geometry is the area its buffer covers (geodesically buffered, cut at the antimeridian) rather than the shape and its `buffer_m`. A coarse conflict's area is its box either way. */
                outline?: components["parameters"]["Outline"];
            };
            header?: never;
            path: {
                /** @description A stop's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The stop. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/geo+json": components["schemas"]["Feature"];
                    "application/json": components["schemas"]["Stop"];
                    "application/vnd.google-earth.kml+xml": string;
                    "text/csv": string;
                };
            };
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    acknowledgeStop: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A stop's id. */
                id: string;
            };
            cookie?: never;
        };
        /** @description No fields; may be left out. */
        requestBody?: {
            content: {
                "application/json": components["schemas"]["EmptyBody"];
            };
        };
        responses: {
            /** @description The stop; durable in the log. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Stop"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["StateConflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    liftStop: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A stop's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ReasonBody"];
            };
        };
        responses: {
            /** @description The stop; durable in the log. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Stop"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["StateConflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    getTile: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The column, from the west: below 2 to the power `z`. */
                x: number;
                /** @description The row, from the north: below 2 to the power `z`. */
                y: number;
                /** @description The zoom level. */
                z: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The tile's bytes, in the format `GET /v1/map` names. `ETag` names them; `Cache-Control: private`. */
            200: {
                headers: {
                    /** @description `private, max-age=3600`. */
                    "Cache-Control"?: string;
                    /** @description A strong validator of the tile's bytes. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "image/jpeg": string;
                    "image/png": string;
                    "image/webp": string;
                };
            };
            /** @description The caller holds the tile already: its `If-None-Match` named this `ETag`. */
            304: {
                headers: {
                    /** @description The tile's validator. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
        };
    };
    reportTracks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TracksIn"];
            };
        };
        responses: {
            /** @description Recorded. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TracksOut"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
        };
    };
    listWebhooks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The webhooks, by id. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Webhook"][];
                        next_after: null;
                    };
                };
            };
            401: components["responses"]["Unauthenticated"];
            429: components["responses"]["RateLimited"];
        };
    };
    registerWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookIn"];
            };
        };
        responses: {
            /** @description Registered; `Location` names it. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookRegistered"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            /** @description The party already has 8 webhooks (`too_many_webhooks`). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
        };
    };
    getWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A webhook id (`whk_` and 16 hex digits). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The webhook. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["RateLimited"];
        };
    };
    removeWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A webhook id (`whk_` and 16 hex digits). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["RateLimited"];
        };
    };
    deliverEvent: {
        parameters: {
            query?: never;
            header: {
                /** @description The same as `webhook-id`. */
                "Deconflict-Delivery": string;
                /** @description The event's `type`. */
                "Deconflict-Event": string;
                /**
                 * @deprecated
                 * @description `sha256=` and the hex HMAC-SHA256 of the raw body alone, keyed with the webhook's secret (`secret`).
                 */
                "Deconflict-Signature": string;
                /** @description The delivery's id, `<seq>-<n>`: the same on every attempt; deduplicate on it. */
                "webhook-id": string;
                /** @description `v1,` and the base64 HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<body>` keyed with the webhook's secret (`standard_webhooks_secret`). */
                "webhook-signature": string;
                /** @description The attempt's time, Unix seconds. */
                "webhook-timestamp": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Event"];
            };
        };
        responses: {
            /** @description Delivered. Any other answer, or none within 10 s, and the same event is sent again after 1 s, 2 s, 4 s and so on, at most 5 minutes apart. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
}
