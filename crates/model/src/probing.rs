//! Chosen questions: what a party can learn of others by asking, and how
//! much of it the answers give away.
//!
//! Every answer follows need-to-know, but questions can be chosen to learn
//! more than any one answer shows: one wide survey meets every object of a
//! region and is shown each one's kind, window and coarse area; points of
//! buffer 0 submitted and cancelled at once answer yes or no, and a
//! bisection of such answers finds the edge of another party's private base
//! to a metre, or a flight's altitude band exactly. The defences, each
//! decided at [`State::execute`] and recorded in the entry, so that replay
//! evaluates nothing again and the views follow the log:
//!
//! - **Windows are whole hours.** The overlap a conflict records and shows
//!   is rounded outward to whole hours (UTC): it still holds the true
//!   overlap, and never tells another party's exact start or end.
//!   Altitude is never part of an answer.
//! - **A wide question gets a coarse answer.** When one object of a party
//!   (an activity submitted, a declaration declared or amended, a tracked
//!   unit moved) meets more than [`ProbingPolicy::wide_objects`] objects of
//!   other parties, or its volume's bounding box covers more than
//!   [`ProbingPolicy::wide_area_km2`], the conflicts it opens show the
//!   asking party only that the coordinator will contact it
//!   ([`Withheld::Wide`]), whatever the other objects' disclosure. The other
//!   parties are told of the asker's object as always, and the coordinator
//!   sees everything.
//! - **A budget per party.** The state counts, per party, over a sliding
//!   window of [`ProbingPolicy::window_ms`] (entry times, never a clock):
//!   the distinct objects of other parties its own commands were shown
//!   through conflicts, and its *quick cycles* — an object amended,
//!   cancelled, completed or withdrawn within [`ProbingPolicy::quick_ms`] of
//!   its last change, the pattern of a bisection. Once either reaches its
//!   budget, the party's questions are answered through the coordinator
//!   ([`Withheld::Budget`]): a conflict still opens and still holds, the
//!   other side and the coordinator are still told, but the asking party is
//!   not shown it — a submitted activity is `held` whether it met anything
//!   or not, and the coordinator will contact it — so an answer no longer
//!   says yes or no. The entry's outcome carries the suspicion
//!   ([`Probing`]: the party, the patterns, the objects involved), which
//!   only the coordinator reads and hears of. A tracked unit's reports are
//!   the one exception: a unit on the move is still told at once that it
//!   entered a conflict, with the other side coordinator-only.

use crate::actor::{Actor, Role};
use crate::entry::{Entry, Outcome};
use crate::id::ObjectRef;
use crate::object::Conflict;
use crate::policy::covered_km2;
use crate::state::State;
use deconflict_geo4d::{Volume, Window};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

const HOUR_MS: i64 = 3_600_000;

/// The longest window the budget may count over: a week. The state keeps
/// what it counts for this long.
pub const MAX_PROBING_WINDOW_MS: i64 = 7 * 24 * HOUR_MS;

/// The longest time after an object's last change in which changing or
/// ending it counts as a quick cycle: an hour.
pub const MAX_QUICK_MS: i64 = HOUR_MS;

/// At most this many objects are named in each pattern of a suspicion.
const MAX_EVIDENCE: usize = 64;

/// When a question is wide, and how much a party may learn before its
/// answers go through the coordinator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbingPolicy {
    /// A question meeting more than this many objects of other parties is
    /// wide.
    pub wide_objects: u32,
    /// A question whose volume's bounding box covers more than this many
    /// square kilometres is wide.
    pub wide_area_km2: u32,
    /// The sliding window the budget counts over, milliseconds (at most
    /// [`MAX_PROBING_WINDOW_MS`]).
    pub window_ms: i64,
    /// How many distinct objects of other parties a party may be shown
    /// through the conflicts its commands open, within the window.
    pub disclosed_budget: u32,
    /// How soon after its last change an object amended, cancelled,
    /// completed or withdrawn makes a quick cycle, milliseconds (at most
    /// [`MAX_QUICK_MS`]).
    pub quick_ms: i64,
    /// How many quick cycles a party may make within the window.
    pub quick_budget: u32,
}

impl Default for ProbingPolicy {
    /// Wide past 3 objects of other parties or 2,500 km²; within 24 hours,
    /// 30 distinct objects shown and 20 quick cycles of 10 minutes.
    fn default() -> ProbingPolicy {
        ProbingPolicy {
            wide_objects: 3,
            wide_area_km2: 2_500,
            window_ms: 24 * HOUR_MS,
            disclosed_budget: 30,
            quick_ms: 10 * 60_000,
            quick_budget: 20,
        }
    }
}

/// Why the other side of a conflict is kept from the party whose command
/// opened it: that party is told only that the coordinator will contact it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Withheld {
    /// The question met many objects, or covered a large area.
    Wide,
    /// The party had spent its budget.
    Budget,
}

impl Withheld {
    pub fn as_str(&self) -> &'static str {
        match self {
            Withheld::Wide => "wide",
            Withheld::Budget => "budget",
        }
    }
}

/// Which budget a party spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pattern {
    /// Distinct objects of other parties shown to it through conflicts.
    DisclosedObjects,
    /// Its objects changed or ended soon after their last change.
    QuickCycles,
}

impl Pattern {
    pub fn as_str(&self) -> &'static str {
        match self {
            Pattern::DisclosedObjects => "disclosed_objects",
            Pattern::QuickCycles => "quick_cycles",
        }
    }
}

/// The suspicion an entry records when a party's question came past its
/// budget: the coordinator's alone to read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Probing {
    pub party: String,
    /// Where the window counted from, Unix milliseconds.
    pub since_ms: i64,
    /// Each budget spent, with its evidence.
    pub patterns: Vec<PatternSeen>,
}

/// One budget spent: how far, and the objects involved (at most 64).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatternSeen {
    pub pattern: Pattern,
    pub count: u32,
    pub budget: u32,
    /// The other parties' objects shown to it, or its own objects cycled.
    pub objects: Vec<ObjectRef>,
}

/// What the state counts of each party's questions, for the budget.
#[derive(Debug, Default)]
pub(crate) struct Questions {
    /// Other parties' objects shown to a party through conflicts its own
    /// commands opened, with when.
    disclosed: BTreeMap<String, VecDeque<(i64, ObjectRef)>>,
    /// A party's objects changed or ended within [`MAX_QUICK_MS`] of their
    /// last change: when, which, how long after.
    cycles: BTreeMap<String, VecDeque<(i64, ObjectRef, i64)>>,
}

fn keep<T>(list: &mut VecDeque<T>, time: impl Fn(&T) -> i64, now_ms: i64) {
    while list
        .front()
        .is_some_and(|t| time(t) < now_ms.saturating_sub(MAX_PROBING_WINDOW_MS))
    {
        list.pop_front();
    }
}

/// The window of a conflict: the overlap rounded outward to whole hours.
pub(crate) fn whole_hours(window: Window) -> Window {
    let from = window.from().div_euclid(HOUR_MS).saturating_mul(HOUR_MS);
    let to = window.to().map(|to| {
        let hours = to.div_euclid(HOUR_MS) + i64::from(to.rem_euclid(HOUR_MS) != 0);
        hours.saturating_mul(HOUR_MS)
    });
    Window::new(from, to).unwrap_or(window)
}

/// How the conflicts a command opens are shown to the party asking.
#[derive(Debug, Default)]
pub(crate) struct Asking {
    /// The party's spent budget, once looked up.
    spent: Option<Option<Probing>>,
    /// For the conflicts being opened now: the other side kept from the
    /// asking party, and why.
    pub(crate) withheld: Option<Withheld>,
    /// For the conflicts being opened now: the asking party is not shown
    /// them at all; the coordinator tells it.
    pub(crate) via_coordinator: bool,
}

impl Asking {
    /// Decides for one object of the actor's, about to open conflicts with
    /// `met` objects of other parties: `may_hide` unless it is a tracked
    /// unit's move, which is always told.
    pub(crate) fn decide(
        &mut self,
        state: &State,
        actor: &Actor,
        now_ms: i64,
        volume: &Volume,
        met: usize,
        may_hide: bool,
    ) {
        self.withheld = None;
        self.via_coordinator = false;
        if actor.coordinator || actor.role == Role::Service {
            return;
        }
        let policy = &state.policy.probing;
        let spent = self.spent(state, actor, now_ms);
        let wide = met > policy.wide_objects as usize
            || covered_km2(volume) > f64::from(policy.wide_area_km2);
        self.withheld = if spent {
            Some(Withheld::Budget)
        } else if wide {
            Some(Withheld::Wide)
        } else {
            None
        };
        self.via_coordinator = spent && may_hide;
    }

    /// Whether the actor's party has spent its budget (looked up once).
    fn spent(&mut self, state: &State, actor: &Actor, now_ms: i64) -> bool {
        self.spent
            .get_or_insert_with(|| state.budget_spent(&actor.party, now_ms))
            .is_some()
    }

    /// The suspicion to record, if the budget was looked up and spent.
    pub(crate) fn suspicion(&self) -> Option<Probing> {
        self.spent.clone().flatten()
    }
}

impl Conflict {
    /// Whether `party` opened the conflict and is shown its other side only
    /// as coordinator-only.
    pub(crate) fn withheld_from(&self, party: &str) -> bool {
        self.withheld.is_some() && self.opened_by == party
    }

    /// Whether `party` opened the conflict and is not shown it at all: the
    /// coordinator tells it.
    pub(crate) fn hidden_from(&self, party: &str) -> bool {
        self.via_coordinator && self.opened_by == party
    }
}

/// Why a submission went to `held` when its party's questions go through
/// the coordinator.
pub(crate) const HELD_FOR_COORDINATOR: &str =
    "held for the coordinator, which will contact you about it";

/// The reason a submission's first state records.
pub(crate) fn submitted_reason(outcome: &Outcome) -> Option<String> {
    outcome
        .probing
        .as_ref()
        .map(|_| HELD_FOR_COORDINATOR.to_owned())
}

impl State {
    /// The suspicion against `party` at `now_ms` if it has spent a budget
    /// within the policy's window; `None` if not.
    pub(crate) fn budget_spent(&self, party: &str, now_ms: i64) -> Option<Probing> {
        let policy = &self.policy.probing;
        let since_ms = now_ms.saturating_sub(policy.window_ms.clamp(0, MAX_PROBING_WINDOW_MS));
        let quick = policy.quick_ms.clamp(0, MAX_QUICK_MS);
        let mut patterns = Vec::new();
        let shown: BTreeSet<ObjectRef> = self
            .questions
            .disclosed
            .get(party)
            .into_iter()
            .flatten()
            .filter(|(t, _)| *t > since_ms)
            .map(|(_, object)| *object)
            .collect();
        if shown.len() >= policy.disclosed_budget as usize {
            patterns.push(PatternSeen {
                pattern: Pattern::DisclosedObjects,
                count: u32::try_from(shown.len()).unwrap_or(u32::MAX),
                budget: policy.disclosed_budget,
                objects: shown.into_iter().take(MAX_EVIDENCE).collect(),
            });
        }
        let cycles: Vec<ObjectRef> = self
            .questions
            .cycles
            .get(party)
            .into_iter()
            .flatten()
            .filter(|(t, _, age)| *t > since_ms && *age <= quick)
            .map(|(_, object, _)| *object)
            .collect();
        if cycles.len() >= policy.quick_budget as usize {
            let objects: BTreeSet<ObjectRef> = cycles.iter().copied().collect();
            patterns.push(PatternSeen {
                pattern: Pattern::QuickCycles,
                count: u32::try_from(cycles.len()).unwrap_or(u32::MAX),
                budget: policy.quick_budget,
                objects: objects.into_iter().take(MAX_EVIDENCE).collect(),
            });
        }
        (!patterns.is_empty()).then(|| Probing {
            party: party.to_owned(),
            since_ms,
            patterns,
        })
    }

    /// Counts what an entry tells of its party's questions: the objects of
    /// other parties it was shown, the quick cycles it made. Called before
    /// the entry changes anything, with the entry's time.
    pub(crate) fn note_questions(&mut self, entry: &Entry) {
        let (t, actor) = (entry.time_ms, &entry.actor);
        if actor.coordinator || actor.role == Role::Service {
            return;
        }
        let party = &actor.party;
        let cycled = match &entry.command {
            crate::Command::Amend { id, .. } | crate::Command::Withdraw { id } => self
                .declarations
                .get(id)
                .map(|d| (ObjectRef::Declaration(*id), d.updated_ms)),
            crate::Command::Cancel { id } | crate::Command::Complete { id } => {
                self.activities.get(id).and_then(|a| {
                    let created = a.history.first()?.time_ms;
                    Some((ObjectRef::Activity(*id), created))
                })
            }
            _ => None,
        };
        if let Some((object, since)) = cycled
            && (0..=MAX_QUICK_MS).contains(&(t - since))
        {
            let list = self.questions.cycles.entry(party.clone()).or_default();
            keep(list, |c| c.0, t);
            list.push_back((t, object, t - since));
        }
        for opened in entry.outcome.opened.iter().filter(|o| o.withheld.is_none()) {
            let other = if opened.parties[0] == *party {
                opened.other
            } else if opened.parties[1] == *party {
                ObjectRef::Activity(opened.activity)
            } else {
                continue;
            };
            // A public declaration is known to everyone already.
            let public = match &other {
                ObjectRef::Declaration(id) => self
                    .declarations
                    .get(id)
                    .is_some_and(|d| d.spec.visibility == crate::Visibility::Public),
                _ => false,
            };
            if !public {
                let list = self.questions.disclosed.entry(party.clone()).or_default();
                keep(list, |d| d.0, t);
                list.push_back((t, other));
            }
        }
    }
}
