//! Standing alerts: every alert an entry raised (a unit in a live hazard,
//! an attack near a party's declarations), kept with who has taken note of
//! it, so that a party reads its alerts again after the moment they were
//! sent ([`State::alerts_of`]) and acknowledges them as acts of the log
//! ([`Command::AcknowledgeAlert`]).
//!
//! A party names its alert by the entry that raised it and the alert's
//! place among that entry's alerts *to the party* ([`AlertRef`]): nothing
//! in the name, nor in the acknowledgement, tells of alerts raised to
//! others. The coordinator is told of every alert, and names them among
//! all of the entry's.
//!
//! [`Command::AcknowledgeAlert`]: crate::Command::AcknowledgeAlert

use crate::Actor;
use crate::id::ObjectRef;
use crate::state::State;
use crate::track::Alert;
use std::collections::BTreeMap;
use std::ops::RangeInclusive;

/// An alert as a party names it: the entry that raised it, and its place
/// among that entry's alerts to the party.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AlertRef {
    pub entry: u64,
    pub index: u32,
}

impl AlertRef {
    /// `alr_<entry>_<index>`, as [`AlertRef`]'s `Display` writes it.
    pub fn parse(text: &str) -> Option<AlertRef> {
        let (entry, index) = text.strip_prefix("alr_")?.split_once('_')?;
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        (digits(entry) && digits(index)).then_some(())?;
        Some(AlertRef {
            entry: entry.parse().ok()?,
            index: index.parse().ok()?,
        })
    }
}

impl std::fmt::Display for AlertRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "alr_{}_{}", self.entry, self.index)
    }
}

/// An alert as the state keeps it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Raised {
    pub(crate) alert: Alert,
    /// What the entry that raised it created (the activity planned over a
    /// lost unit).
    pub(crate) cause: Option<ObjectRef>,
    pub(crate) time_ms: i64,
    /// By party: who of it took note, and when.
    pub(crate) acknowledged: BTreeMap<String, Acknowledgement>,
}

/// Who of a party took note of an alert, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledgement {
    pub credential_id: String,
    pub time_ms: i64,
}

/// One of a party's alerts, as it reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertView {
    pub id: AlertRef,
    /// What it is about: a conflict, an `attack` incident, or (to the
    /// coordinator) a lost unit. The reader sees of it what its views show
    /// it, and no more.
    pub subject: ObjectRef,
    /// What the entry that raised it created, if anything.
    pub cause: Option<ObjectRef>,
    pub raised_ms: i64,
    pub acknowledged: Option<Acknowledgement>,
}

impl State {
    /// Keeps the alerts `entry` raised.
    pub(crate) fn keep_alerts(
        &mut self,
        seq: u64,
        time_ms: i64,
        alerts: &[Alert],
        cause: Option<ObjectRef>,
    ) {
        for (i, alert) in alerts.iter().enumerate() {
            let key = (seq, u32::try_from(i).unwrap_or(u32::MAX));
            for party in &alert.parties {
                self.alerts_to.entry(party.clone()).or_default().insert(key);
            }
            self.alerts.insert(
                key,
                Raised {
                    alert: alert.clone(),
                    cause,
                    time_ms,
                    acknowledged: BTreeMap::new(),
                },
            );
        }
    }

    /// Where the state keeps the alerts within `range` that `viewer`'s
    /// party was told of (every one, for the coordinator), in order.
    fn told(
        &self,
        viewer: &Actor,
        range: RangeInclusive<(u64, u32)>,
    ) -> Box<dyn Iterator<Item = (u64, u32)> + '_> {
        if viewer.coordinator {
            Box::new(self.alerts.range(range).map(|(key, _)| *key))
        } else {
            Box::new(
                self.alerts_to
                    .get(&viewer.party)
                    .into_iter()
                    .flat_map(move |keys| keys.range(range.clone()).copied()),
            )
        }
    }

    /// The alert `reference` names for `viewer`'s party, and where the
    /// state keeps it.
    pub(crate) fn alert_for(&self, viewer: &Actor, reference: AlertRef) -> Option<(u64, u32)> {
        self.told(viewer, (reference.entry, 0)..=(reference.entry, u32::MAX))
            .nth(reference.index as usize)
    }

    /// Records that `by` took note of the alert kept at `key` for its party.
    pub(crate) fn acknowledge_alert(&mut self, key: (u64, u32), by: &Actor, time_ms: i64) {
        if let Some(raised) = self.alerts.get_mut(&key) {
            raised.acknowledged.insert(
                by.party.clone(),
                Acknowledgement {
                    credential_id: by.credential_id.clone(),
                    time_ms,
                },
            );
        }
    }

    /// Whether `viewer`'s party has taken note of the alert kept at `key`.
    pub(crate) fn alert_acknowledged(&self, key: (u64, u32), viewer: &Actor) -> bool {
        self.alerts
            .get(&key)
            .is_some_and(|r| r.acknowledged.contains_key(&viewer.party))
    }

    /// The alert `reference` names for `viewer`'s party, as it reads it.
    pub fn alert_of(&self, viewer: &Actor, reference: AlertRef) -> Option<AlertView> {
        let key = self.alert_for(viewer, reference)?;
        let raised = &self.alerts[&key];
        Some(AlertView {
            id: reference,
            subject: raised.alert.subject,
            cause: raised.cause,
            raised_ms: raised.time_ms,
            acknowledged: raised.acknowledged.get(&viewer.party).cloned(),
        })
    }

    /// Every alert raised to `viewer`'s party (every alert, to the
    /// coordinator) since `since_ms`, and any older one it has not taken
    /// note of, oldest first.
    pub fn alerts_of(&self, viewer: &Actor, since_ms: i64) -> Vec<AlertView> {
        let mut views = Vec::new();
        let mut last: Option<(u64, u32)> = None;
        for key in self.told(viewer, (0, 0)..=(u64::MAX, u32::MAX)) {
            let seq = key.0;
            let raised = &self.alerts[&key];
            let place = match last {
                Some((s, i)) if s == seq => (seq, i + 1),
                _ => (seq, 0),
            };
            last = Some(place);
            let acknowledged = raised.acknowledged.get(&viewer.party).cloned();
            if raised.time_ms < since_ms && acknowledged.is_some() {
                continue;
            }
            views.push(AlertView {
                id: AlertRef {
                    entry: place.0,
                    index: place.1,
                },
                subject: raised.alert.subject,
                cause: raised.cause,
                raised_ms: raised.time_ms,
                acknowledged,
            });
        }
        views
    }
}
