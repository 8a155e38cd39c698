//! Evidence for an incident: every entry of the log whose volume meets the
//! incident's place (grown by its precision) during its window, the entries
//! that acted on those objects and their conflicts, and the incident's own
//! entries — each with its leaf and an inclusion proof to a checkpoint the
//! log signed (the largest one witnesses cosigned, when it covers them all),
//! and the payloads the caller may see revealed.
//!
//! Which payloads are revealed is need-to-know again, decided on the state
//! as it stands: a command's fields if the caller sees its object in full;
//! a conflict's area and window if the caller sees the conflict with its
//! overlap; its two sides and parties only if the caller sees both objects
//! in full; notices and holds only for the coordinator; and to everyone, a
//! field its owner made public (`POST /v1/log/reveal`). Everything else
//! stays a commitment, which still proves the entry is what the log holds.

use crate::problem::ApiError;
use crate::state::AppState;
use crate::wire::IncidentOut;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use deconflict_geo4d::{AltitudeBand, Geometry, Volume, Window};
use deconflict_model::{
    Actor, Command, ConflictId, Entry, IncidentId, ObjectRef, Sight, State, TrackReport,
    VolumeSpec, sight,
};
use deconflict_record::{BUNDLE_FORMAT, Bundle, BundleEntry, Payload, publish};
use std::collections::HashSet;

/// Entries read from the log per batch while searching it.
const SEARCH_BATCH: usize = 4096;

/// The evidence bundle of incident `id`, as `caller` may have it.
pub(crate) async fn bundle(
    app: &AppState,
    caller: &Actor,
    id: IncidentId,
) -> Result<Bundle, ApiError> {
    let (subject, volume) = app
        .read(|state| {
            let view = state.incident(caller, &id)?;
            let volume = deconflict_model::incident_volume(&view.spec)?;
            Ok::<_, ApiError>((IncidentOut::from(view), volume))
        })
        .await??;
    // Signed first: every entry found below is then within the checkpoint.
    let size = app.sign_checkpoint().map_err(internal)?;
    let searcher = app.clone();
    let found = tokio::task::spawn_blocking(move || search(&searcher, id, &volume, size))
        .await
        .map_err(internal)??;
    let payloads = app.read(|state| revealed(state, caller, &found)).await?;
    // A checkpoint witnesses cosigned, if one covers every entry found.
    let needed = found.last().map_or(0, |(entry, _)| entry.seq);
    let size = app.record().proof_size(needed, size).map_err(internal)?;
    let checkpoint = app
        .record()
        .published(size)
        .map_err(internal)?
        .ok_or(ApiError::Internal)?;
    let entries = found
        .iter()
        .map(|(entry, leaf)| bundle_entry(app, entry.seq, leaf, size))
        .collect::<Result<_, _>>()?;
    Ok(Bundle {
        format: BUNDLE_FORMAT.to_owned(),
        subject: serde_json::to_value(subject).map_err(internal)?,
        checkpoint,
        entries,
        payloads,
    })
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "building evidence");
    ApiError::Internal
}

/// An entry found, with its published form.
type Found = Vec<(Entry, deconflict_record::Published)>;

/// The entries of the first `size` that bear on the incident, in order.
fn search(app: &AppState, id: IncidentId, place: &Volume, size: u64) -> Result<Found, ApiError> {
    let mut objects: HashSet<ObjectRef> = HashSet::new();
    each_entry(app, size, |entry, _| {
        if let Some((object, spec)) = placed(entry)
            && spec.to_volume().is_some_and(|v| v.conflicts_with(place))
        {
            objects.insert(object);
        }
        // A unit that said it was there then.
        for report in reports(entry) {
            if report_volume(report).is_some_and(|v| v.conflicts_with(place)) {
                objects.insert(ObjectRef::Declaration(report.declaration));
            }
        }
    })?;
    let mut conflicts: HashSet<ConflictId> = HashSet::new();
    let mut chosen: HashSet<u64> = HashSet::new();
    let mut found = Vec::new();
    each_entry(app, size, |entry, body| {
        let mut bears = about_incident(entry, id);
        for c in &entry.outcome.opened {
            let sides = [ObjectRef::Activity(c.activity), c.other];
            if sides.iter().any(|s| objects.contains(s)) {
                conflicts.insert(c.id);
                bears = true;
            }
        }
        bears |= subject(entry).is_some_and(|s| match s {
            ObjectRef::Conflict(c) => conflicts.contains(&c),
            other => objects.contains(&other),
        });
        bears |= entry.outcome.resolved.iter().any(|c| conflicts.contains(c));
        bears |= reports(entry).any(|r| objects.contains(&ObjectRef::Declaration(r.declaration)));
        bears |= entry
            .outcome
            .stale
            .iter()
            .any(|s| objects.contains(&ObjectRef::Declaration(s.declaration)));
        // The act of making one of these entries' fields public.
        bears |= matches!(&entry.command, Command::Reveal { seq, .. } if chosen.contains(seq));
        if bears {
            chosen.insert(entry.seq);
        }
        if bears && let Ok(published) = publish(body, app.record().secret()) {
            found.push((entry.clone(), published));
        }
    })?;
    Ok(found)
}

/// Calls `f` on every one of the first `size` entries, decoded, with its bytes.
fn each_entry(app: &AppState, size: u64, mut f: impl FnMut(&Entry, &[u8])) -> Result<(), ApiError> {
    let mut next = 1;
    while next <= size {
        let batch = app.log().read(next, SEARCH_BATCH).map_err(internal)?;
        if batch.is_empty() {
            break;
        }
        for stored in batch.iter().filter(|s| s.seq <= size) {
            let entry = Entry::decode(&stored.body).map_err(internal)?;
            f(&entry, &stored.body);
        }
        next += batch.len() as u64;
    }
    Ok(())
}

/// The object an entry places somewhere, and where.
fn placed(entry: &Entry) -> Option<(ObjectRef, &VolumeSpec)> {
    match &entry.command {
        Command::Declare(spec) => Some((entry.outcome.created?, &spec.volume)),
        Command::SubmitActivity(spec) => Some((entry.outcome.created?, &spec.volume)),
        Command::Amend { id, spec, .. } => Some((ObjectRef::Declaration(*id), &spec.volume)),
        _ => None,
    }
}

/// The position reports of a track entry.
fn reports(entry: &Entry) -> impl Iterator<Item = &TrackReport> {
    match &entry.command {
        Command::Track { reports } => reports.as_slice(),
        _ => &[],
    }
    .iter()
}

/// Where a report puts its unit: the point, within its circular error, at
/// that instant.
fn report_volume(report: &TrackReport) -> Option<Volume> {
    let p = &report.position;
    Volume::new(
        Geometry::point(p.lon, p.lat).ok()?,
        p.ce_m.unwrap_or(0.0),
        AltitudeBand::new(0.0, 0.0).ok()?,
        Window::instant(report.time_ms),
    )
    .ok()
}

fn about_incident(entry: &Entry, id: IncidentId) -> bool {
    subject(entry) == Some(ObjectRef::Incident(id))
}

/// The object a command is about: the one it created or acted on.
fn subject(entry: &Entry) -> Option<ObjectRef> {
    match &entry.command {
        Command::Declare(_) | Command::SubmitActivity(_) | Command::ReportIncident(_) => {
            entry.outcome.created
        }
        Command::Amend { id, .. } | Command::Withdraw { id } => Some(ObjectRef::Declaration(*id)),
        Command::Clear { id, .. }
        | Command::Hold { id, .. }
        | Command::Deny { id, .. }
        | Command::Start { id }
        | Command::Complete { id }
        | Command::Cancel { id } => Some(ObjectRef::Activity(*id)),
        Command::Acknowledge { conflict }
        | Command::Override { conflict, .. }
        | Command::MarkDelivered { conflict } => Some(ObjectRef::Conflict(*conflict)),
        Command::SetIncidentStatus { id, .. } => Some(ObjectRef::Incident(*id)),
        Command::Reveal { .. } | Command::Track { .. } | Command::Sweep => None,
    }
}

/// The payloads of the entries found that `caller` may see.
fn revealed(state: &State, caller: &Actor, found: &Found) -> Vec<Payload> {
    let mut out = Vec::new();
    for (entry, published) in found {
        for payload in &published.payloads {
            if caller.coordinator
                || state.is_revealed(entry.seq, &payload.pointer)
                || may_see(state, caller, entry, &payload.pointer)
            {
                out.push(payload.clone());
            }
        }
    }
    out
}

fn may_see(state: &State, caller: &Actor, entry: &Entry, pointer: &str) -> bool {
    let full = |object: &ObjectRef| sight(state, caller, object) == Sight::Full;
    let mut tokens = pointer.split('/').skip(1);
    match (tokens.next(), tokens.next()) {
        // One report's position: if the caller sees that unit.
        (Some("command"), Some("track")) => {
            let report = tokens
                .nth(1)
                .and_then(|i| i.parse::<usize>().ok())
                .and_then(|i| reports(entry).nth(i));
            report.is_some_and(|r| full(&ObjectRef::Declaration(r.declaration)))
        }
        (Some("command"), _) => subject(entry).is_some_and(|s| full(&s)),
        (Some("outcome"), Some("stale")) => tokens
            .next()
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| entry.outcome.stale.get(i))
            .is_some_and(|s| full(&ObjectRef::Declaration(s.declaration))),
        (Some("outcome"), Some("opened")) => {
            let Some(opened) = tokens
                .next()
                .and_then(|i| i.parse::<usize>().ok())
                .and_then(|i| entry.outcome.opened.get(i))
            else {
                return false;
            };
            let activity = ObjectRef::Activity(opened.activity);
            match tokens.next() {
                Some("area" | "from_ms" | "to_ms") => state
                    .conflict(caller, &opened.id)
                    .is_ok_and(|view| view.overlap.is_some()),
                Some("activity") => full(&activity),
                Some("other") => full(&opened.other),
                Some("parties") => full(&activity) && full(&opened.other),
                _ => false,
            }
        }
        _ => false,
    }
}

fn bundle_entry(
    app: &AppState,
    seq: u64,
    published: &deconflict_record::Published,
    size: u64,
) -> Result<BundleEntry, ApiError> {
    let proof = app
        .record()
        .tree()
        .inclusion_proof(seq - 1, size)
        .map_err(internal)?;
    Ok(BundleEntry {
        index: seq - 1,
        leaf: String::from_utf8(published.leaf.clone()).map_err(internal)?,
        proof: proof.iter().map(|h| BASE64.encode(h)).collect(),
    })
}
