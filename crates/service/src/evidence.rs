//! Evidence for an incident, by need-to-know.
//!
//! The selection: every object whose volume meets the incident's place
//! (grown by its precision) during its window, or whose unit reported
//! itself there then; the conflicts those objects were in, and the
//! activities on their other side; every entry that created, acted on,
//! opened or resolved any of these; and the incident's own entries. Each
//! with its leaf and an inclusion proof to a checkpoint the log signed (the
//! largest one witnesses cosigned, when it covers them all).
//!
//! The coordinator, and an investigator it granted this incident's
//! evidence (`Command::GrantEvidence`), get the whole selection with every
//! field opened. Any other party's selection starts only from the objects
//! it sees in full, so an incident it reports anywhere never tells it
//! whether anyone else has anything there; of each entry it gets what
//! `deconflict_model::may_read` allows (through `crate::disclosure`), and
//! an entry it may read nothing of is left out and only counted
//! (`withheld`): those bear on the incident through its own objects and
//! conflicts, which it knows of already.

use crate::disclosure::{Opened, opened};
use crate::{Error, Service};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use deconflict_geo4d::{AltitudeBand, Geometry, Volume, Window};
use deconflict_model::{
    Actor, ChallengeId, Command, ConflictId, Entry, IncidentId, ObjectRef, Sight, TrackReport,
    VolumeSpec, sight,
};
use deconflict_record::{BUNDLE_FORMAT, Bundle, BundleEntry, Published, publish};
use deconflict_wire::IncidentOut;
use std::collections::HashSet;

/// Entries read from the log per batch while searching it.
const SEARCH_BATCH: usize = 4096;

/// The evidence bundle of incident `id`, as `caller` may have it.
pub async fn bundle(app: &Service, caller: &Actor, id: IncidentId) -> Result<Bundle, Error> {
    let (subject, volume, reader) = app
        .read(|state| {
            let view = state.incident(caller, &id)?;
            let volume = deconflict_model::incident_volume(&view.spec)?;
            // An investigator granted the evidence reads it as the
            // coordinator does.
            let reader = Actor {
                coordinator: caller.coordinator || state.granted_evidence(caller, &id),
                ..caller.clone()
            };
            Ok::<_, Error>((IncidentOut::from(view), volume, reader))
        })
        .await??;
    // Signed first: every entry found below is then within the checkpoint.
    let size = app.sign_checkpoint_now().await.map_err(internal)?;
    let searcher = app.clone();
    let mut placed = tokio::task::spawn_blocking(move || placed_at(&searcher, &volume, size))
        .await
        .map_err(internal)??;
    app.read(|state| placed.retain(|o| sight(state, &reader, o) == Sight::Full))
        .await?;
    let searcher = app.clone();
    let found = tokio::task::spawn_blocking(move || search(&searcher, id, placed, size))
        .await
        .map_err(internal)??;
    let (found, withheld) = app
        .read(|state| {
            let total = found.len();
            let readable: Vec<(u64, Published, Opened)> = found
                .into_iter()
                .filter_map(|(entry, published)| {
                    let opened = opened(state, &reader, &entry, &published)?;
                    Some((entry.seq, published, opened))
                })
                .collect();
            let withheld = (total - readable.len()) as u64;
            (readable, withheld)
        })
        .await?;
    // A checkpoint witnesses cosigned, if one covers every entry found.
    let needed = found.last().map_or(0, |(seq, _, _)| *seq);
    let size = app.record().proof_size(needed, size).map_err(internal)?;
    let checkpoint = app
        .record()
        .published(size)
        .map_err(internal)?
        .ok_or(Error::Internal)?;
    let mut entries = Vec::with_capacity(found.len());
    let mut payloads = Vec::new();
    for (seq, published, opened) in found {
        entries.push(bundle_entry(app, seq, &published, opened.fields, size)?);
        payloads.extend(opened.payloads);
    }
    Ok(Bundle {
        format: BUNDLE_FORMAT.to_owned(),
        subject: serde_json::to_value(subject).map_err(internal)?,
        checkpoint,
        entries,
        payloads,
        withheld,
    })
}

fn internal(e: impl std::fmt::Display) -> Error {
    tracing::error!(error = %e, "building evidence");
    Error::Internal
}

/// An entry found, with its published form.
type Found = Vec<(Entry, Published)>;

/// The objects of the first `size` entries placed at the incident: declared
/// or submitted there, or a unit that said it was there then.
fn placed_at(app: &Service, place: &Volume, size: u64) -> Result<HashSet<ObjectRef>, Error> {
    let mut objects = HashSet::new();
    each_entry(app, size, |entry, _| {
        if let Some((object, spec)) = placed(entry)
            && spec.to_volume().is_some_and(|v| v.conflicts_with(place))
        {
            objects.insert(object);
        }
        for report in reports(entry) {
            if report_volume(report).is_some_and(|v| v.conflicts_with(place)) {
                objects.insert(ObjectRef::Declaration(report.declaration));
            }
        }
    })?;
    Ok(objects)
}

/// The entries of the first `size` that bear on the incident, in order,
/// starting from the objects `placed` at it.
fn search(
    app: &Service,
    id: IncidentId,
    placed: HashSet<ObjectRef>,
    size: u64,
) -> Result<Found, Error> {
    // The objects placed, and the activities met in their conflicts.
    let mut objects = placed.clone();
    let mut conflicts: HashSet<ConflictId> = HashSet::new();
    let mut challenges: HashSet<ChallengeId> = HashSet::new();
    let mut chosen: HashSet<u64> = HashSet::new();
    let mut found = Vec::new();
    each_entry(app, size, |entry, body| {
        let mut bears = entry.subject() == Some(ObjectRef::Incident(id));
        for c in &entry.outcome.opened {
            let activity = ObjectRef::Activity(c.activity);
            if placed.contains(&activity) || placed.contains(&c.other) {
                conflicts.insert(c.id);
                objects.insert(activity);
                if let ObjectRef::Activity(_) = c.other {
                    objects.insert(c.other);
                }
                bears = true;
            }
        }
        bears |= entry.subject().is_some_and(|s| match s {
            ObjectRef::Conflict(c) => conflicts.contains(&c),
            other => objects.contains(&other),
        });
        bears |= entry.outcome.resolved.iter().any(|c| conflicts.contains(c));
        // A hold of one of these activities, by a conflict or a check fire.
        bears |= entry
            .outcome
            .held
            .iter()
            .chain(entry.outcome.stopped.keys())
            .any(|a| objects.contains(&ObjectRef::Activity(*a)));
        // A challenge of a site placed at the incident, its answer and its
        // ruling: what was known of the site's good faith.
        if let (Command::Challenge { id: site, .. }, Some(challenge)) =
            (&entry.command, entry.outcome.challenge)
            && objects.contains(&ObjectRef::Declaration(*site))
        {
            challenges.insert(challenge);
        }
        bears |= matches!(
            &entry.command,
            Command::AnswerChallenge { id, .. } | Command::RuleChallenge { id, .. }
                if challenges.contains(id)
        );
        // Where a unit placed at the incident reported itself, or went
        // silent; never the tracks of units met only through a conflict.
        bears |= reports(entry).any(|r| placed.contains(&ObjectRef::Declaration(r.declaration)));
        bears |= entry
            .outcome
            .stale
            .iter()
            .any(|s| placed.contains(&ObjectRef::Declaration(s.declaration)));
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
fn each_entry(app: &Service, size: u64, mut f: impl FnMut(&Entry, &[u8])) -> Result<(), Error> {
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

fn bundle_entry(
    app: &Service,
    seq: u64,
    published: &Published,
    fields: Vec<String>,
    size: u64,
) -> Result<BundleEntry, Error> {
    let proof = app
        .record()
        .tree()
        .inclusion_proof(seq - 1, size)
        .map_err(internal)?;
    Ok(BundleEntry {
        index: seq - 1,
        leaf: String::from_utf8(published.leaf.clone()).map_err(internal)?,
        proof: proof.iter().map(|h| BASE64.encode(h)).collect(),
        fields,
    })
}
