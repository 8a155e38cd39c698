//! Need-to-know: what a party may see of each object, and every view built
//! from that.
//!
//! [`sight`] is the one rule. Every view below, and every lookup that
//! [`State::execute`] makes on a caller's behalf, asks it first; the raw
//! records never leave the crate. Views are plain structs without a wire
//! format: the server maps them to its own JSON.

use crate::actor::Actor;
use crate::area::CoarseArea;
use crate::command::{Disclosure, Visibility, VolumeSpec};
use crate::error::{ModelError, Noun};
use crate::id::{ActivityId, ConflictId, DeclarationId, ObjectRef};
use crate::object::{
    Activity, ActivityState, Conflict, ConflictState, Declaration, Notification, NotificationState,
    ObjectConflicts, Override, Side, Transition,
};
use crate::probing::Withheld;
use crate::state::State;
use crate::track::{TrackView, TrackingSpec};
use deconflict_geo4d::Window;
use std::ops::Bound::{Excluded, Unbounded};

/// What a viewer may see of one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sight {
    /// Everything: its own objects, public declarations, anything for the
    /// coordinator; a conflict it is involved in.
    Full,
    /// Another party's declaration or activity in conflict with one of the
    /// viewer's: only through that conflict, and only as the object's
    /// disclosure allows — its kind (`Coarse`), or that the coordinator will
    /// make contact (`CoordinatorOnly`). Never its id, label, owner or place
    /// beyond the conflict's coarse area.
    Conflict(Disclosure),
    /// Nothing, not even that it exists.
    Hidden,
}

/// What `viewer`'s party may see of `object`: the one rule of need-to-know.
///
/// The role does not matter (a viewer, an operator and an auditor of a party
/// see the same); the party and whether it is the coordinator do. An object
/// that does not exist is [`Sight::Hidden`], like one the viewer may not
/// see.
pub fn sight(state: &State, viewer: &Actor, object: &ObjectRef) -> Sight {
    let party = viewer.party.as_str();
    // Another party's object, seen only if it ever met one of the viewer's.
    let through = |conflicts: &ObjectConflicts, disclosure: Disclosure| {
        if conflicts.met.iter().any(|p| p == party) {
            Sight::Conflict(disclosure)
        } else {
            Sight::Hidden
        }
    };
    match object {
        ObjectRef::Declaration(id) => match state.declarations.get(id) {
            None => Sight::Hidden,
            Some(d)
                if viewer.coordinator
                    || d.owner == party
                    || d.spec.visibility == Visibility::Public =>
            {
                Sight::Full
            }
            Some(d) => through(&d.conflicts, d.spec.disclosure),
        },
        ObjectRef::Activity(id) => match state.activities.get(id) {
            None => Sight::Hidden,
            Some(a) if viewer.coordinator || a.owner == party => Sight::Full,
            Some(a) => through(&a.conflicts, a.spec.disclosure),
        },
        ObjectRef::Conflict(id) => match state.conflicts.get(id) {
            // A party past its budget is not shown the conflicts its
            // questions opened: the coordinator tells it.
            Some(c) if viewer.coordinator || (c.involves(party) && !c.hidden_from(party)) => {
                Sight::Full
            }
            _ => Sight::Hidden,
        },
        ObjectRef::Incident(id) => match state.visible_incident(viewer, id) {
            Ok(_) => Sight::Full,
            Err(_) => Sight::Hidden,
        },
    }
}

/// A declaration, in full.
#[derive(Debug, Clone, PartialEq)]
pub struct DeclarationView {
    pub id: DeclarationId,
    pub version: u64,
    pub owner: String,
    pub kind: String,
    pub label: String,
    pub volume: VolumeSpec,
    pub visibility: Visibility,
    pub disclosure: Disclosure,
    pub withdrawn: bool,
    pub created_ms: i64,
    pub updated_ms: i64,
    /// The conflicts of this declaration that the viewer may see.
    pub conflicts: Vec<ConflictId>,
    /// How it reports its position, if it is a tracked unit.
    pub tracking: Option<TrackingSpec>,
    /// Its last reported position, once it has reported.
    pub track: Option<TrackView>,
    /// Why the coordinator disputes it, while it does.
    pub disputed: Option<String>,
    /// Since when it is unconfirmed: not re-confirmed in time (still
    /// protected).
    pub unconfirmed_since: Option<i64>,
    /// The deadline its owner was given to re-confirm it: its owner's and
    /// the coordinator's.
    pub reconfirm_by: Option<i64>,
    /// Its challenges the viewer may see: all, to its owner and the
    /// coordinator; its own, to a challenger.
    pub challenges: Vec<crate::sites::ChallengeView>,
}

/// An activity, in full.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityView {
    pub id: ActivityId,
    pub owner: String,
    pub kind: String,
    pub label: String,
    pub volume: VolumeSpec,
    pub disclosure: Disclosure,
    /// Submitted late by the emergency lane: why.
    pub late_notice: Option<String>,
    pub state: ActivityState,
    /// Every state it went through, with the approvers' reasons.
    pub history: Vec<Transition>,
    /// The conflicts of this activity that the viewer may see.
    pub conflicts: Vec<ConflictId>,
}

/// A conflict as one viewer may see it.
#[derive(Debug, Clone, PartialEq)]
pub struct ConflictView {
    pub id: ConflictId,
    pub state: ConflictState,
    pub opened_ms: i64,
    pub resolved_ms: Option<i64>,
    /// The approver's override, read by both parties: approvers write it
    /// for them.
    pub overridden: Option<Override>,
    /// Where and when the two volumes overlap; `None` when the viewer is
    /// told only that the coordinator will contact it.
    pub overlap: Option<Overlap>,
    /// The viewer's own side first when it is involved; otherwise the
    /// activity's side first.
    pub sides: [SideView; 2],
    /// For the coordinator: the other side was kept from the party that
    /// opened the conflict, and why.
    pub withheld: Option<Withheld>,
    /// For the coordinator: the party that opened it was not shown it at
    /// all, and is to be told by the coordinator.
    pub via_coordinator: bool,
}

impl ConflictView {
    /// Whether `party`'s own side is yet to be delivered to it: showing
    /// the party this view is what delivers it.
    pub fn pending_for(&self, party: &str) -> bool {
        self.sides.iter().any(|side| {
            matches!(side, SideView::Full { party: p, notification, .. }
                if p == party && notification.state == NotificationState::Pending)
        })
    }
}

/// The overlap of a conflict: the shared window and an area of whole
/// 0.05° cells that contains it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Overlap {
    pub window: Window,
    pub area: CoarseArea,
}

/// One side of a conflict, as the viewer may see its object.
///
/// A party's notification tells when its staff received and read the
/// conflict and whether the service escalated it. That is the party's own
/// business: the viewer reads it of its own side (the coordinator of every
/// side); of another party's side it reads only whether that party has
/// acknowledged the conflict, never when, nor whether it was delivered or
/// escalated.
#[derive(Debug, Clone, PartialEq)]
pub enum SideView {
    /// The viewer's own object, or any object for the coordinator: in full,
    /// with how far the notification has gone.
    Full {
        party: String,
        object: ObjectRef,
        kind: String,
        notification: Notification,
        disputed: bool,
    },
    /// Another party's object the viewer sees in full (a public
    /// declaration): who and what, and whether that party acknowledged.
    Public {
        party: String,
        object: ObjectRef,
        kind: String,
        acknowledged: bool,
        disputed: bool,
    },
    /// Another party's object under coarse disclosure: its kind, whether
    /// that party acknowledged, and whether the coordinator ruled the site
    /// disputed; never its id, owner or label.
    Coarse {
        kind: String,
        acknowledged: bool,
        disputed: bool,
    },
    /// Another party's object under coordinator-only disclosure.
    CoordinatorWillContact,
}

/// Everything a viewer may see, as of the state's last entry.
#[derive(Debug, Clone, PartialEq)]
pub struct StateView {
    pub seq: Option<u64>,
    pub declarations: Vec<DeclarationView>,
    pub activities: Vec<ActivityView>,
    pub conflicts: Vec<ConflictView>,
}

impl State {
    /// A declaration the viewer sees in full, or the same
    /// [`ModelError::NotFound`] whether it is hidden or does not exist.
    pub fn declaration(
        &self,
        viewer: &Actor,
        id: &DeclarationId,
    ) -> Result<DeclarationView, ModelError> {
        match (
            sight(self, viewer, &ObjectRef::Declaration(*id)),
            self.declarations.get(id),
        ) {
            (Sight::Full, Some(d)) => Ok(self.declaration_view(viewer, id, d)),
            _ => Err(ModelError::NotFound(Noun::Declaration)),
        }
    }

    /// An activity the viewer sees in full, or [`ModelError::NotFound`].
    pub fn activity(&self, viewer: &Actor, id: &ActivityId) -> Result<ActivityView, ModelError> {
        match (
            sight(self, viewer, &ObjectRef::Activity(*id)),
            self.activities.get(id),
        ) {
            (Sight::Full, Some(a)) => Ok(self.activity_view(viewer, id, a)),
            _ => Err(ModelError::NotFound(Noun::Activity)),
        }
    }

    /// A conflict the viewer is involved in (or any, for the coordinator),
    /// or [`ModelError::NotFound`].
    pub fn conflict(&self, viewer: &Actor, id: &ConflictId) -> Result<ConflictView, ModelError> {
        match (
            sight(self, viewer, &ObjectRef::Conflict(*id)),
            self.conflicts.get(id),
        ) {
            (Sight::Full, Some(c)) => Ok(self.conflict_view(viewer, id, c)),
            _ => Err(ModelError::NotFound(Noun::Conflict)),
        }
    }

    /// Every declaration the viewer sees in full, by id.
    pub fn declarations(&self, viewer: &Actor) -> Vec<DeclarationView> {
        self.declarations_after(viewer, None).collect()
    }

    /// The declarations the viewer sees in full, by id, from just after
    /// `after`: each view is built when it is reached, so a page of a list
    /// costs what the page holds, not the size of the state.
    pub fn declarations_after<'a>(
        &'a self,
        viewer: &'a Actor,
        after: Option<DeclarationId>,
    ) -> impl Iterator<Item = DeclarationView> + 'a {
        self.declarations
            .range((after.map_or(Unbounded, Excluded), Unbounded))
            .filter(move |(id, _)| {
                sight(self, viewer, &ObjectRef::Declaration(**id)) == Sight::Full
            })
            .map(move |(id, d)| self.declaration_view(viewer, id, d))
    }

    /// Every activity the viewer sees in full, by id.
    pub fn activities(&self, viewer: &Actor) -> Vec<ActivityView> {
        self.activities_after(viewer, None).collect()
    }

    /// The activities the viewer sees in full, by id, from just after
    /// `after` (see [`State::declarations_after`]).
    pub fn activities_after<'a>(
        &'a self,
        viewer: &'a Actor,
        after: Option<ActivityId>,
    ) -> impl Iterator<Item = ActivityView> + 'a {
        self.activities
            .range((after.map_or(Unbounded, Excluded), Unbounded))
            .filter(move |(id, _)| sight(self, viewer, &ObjectRef::Activity(**id)) == Sight::Full)
            .map(move |(id, a)| self.activity_view(viewer, id, a))
    }

    /// Every conflict the viewer may see, by id.
    pub fn conflicts(&self, viewer: &Actor) -> Vec<ConflictView> {
        self.conflicts_after(viewer, None).collect()
    }

    /// The conflicts the viewer may see, by id, from just after `after`
    /// (see [`State::declarations_after`]).
    pub fn conflicts_after<'a>(
        &'a self,
        viewer: &'a Actor,
        after: Option<ConflictId>,
    ) -> impl Iterator<Item = ConflictView> + 'a {
        self.conflicts
            .range((after.map_or(Unbounded, Excluded), Unbounded))
            .filter(move |(id, _)| sight(self, viewer, &ObjectRef::Conflict(**id)) == Sight::Full)
            .map(move |(id, c)| self.conflict_view(viewer, id, c))
    }

    /// Everything the viewer may see: `GET /v1/state`. For `as_of`, call it
    /// on the state replayed up to that entry.
    pub fn view(&self, viewer: &Actor) -> StateView {
        StateView {
            seq: self.seq,
            declarations: self.declarations(viewer),
            activities: self.activities(viewer),
            conflicts: self.conflicts(viewer),
        }
    }

    fn visible_conflicts(&self, viewer: &Actor, ids: &[ConflictId]) -> Vec<ConflictId> {
        let mut ids: Vec<ConflictId> = ids
            .iter()
            .filter(|id| sight(self, viewer, &ObjectRef::Conflict(*(*id))) == Sight::Full)
            .cloned()
            .collect();
        // By id, like every list: the order they opened in is not shown.
        ids.sort();
        ids
    }

    fn declaration_view(
        &self,
        viewer: &Actor,
        id: &DeclarationId,
        d: &Declaration,
    ) -> DeclarationView {
        DeclarationView {
            id: *id,
            version: d.version,
            owner: d.owner.clone(),
            kind: d.spec.kind.clone(),
            label: d.spec.label.clone(),
            volume: d.spec.volume.clone(),
            visibility: d.spec.visibility,
            disclosure: d.spec.disclosure,
            withdrawn: d.withdrawn,
            created_ms: d.created_ms,
            updated_ms: d.updated_ms,
            conflicts: self.visible_conflicts(viewer, &d.conflicts.all),
            tracking: d.spec.tracking.clone(),
            track: d.track.as_ref().map(TrackView::from),
            disputed: d.disputed.clone(),
            unconfirmed_since: d.unconfirmed_since,
            reconfirm_by: d
                .reconfirm_by
                .filter(|_| viewer.coordinator || d.owner == viewer.party),
            challenges: self.challenges_of(viewer, id),
        }
    }

    fn activity_view(&self, viewer: &Actor, id: &ActivityId, a: &Activity) -> ActivityView {
        ActivityView {
            id: *id,
            owner: a.owner.clone(),
            kind: a.spec.kind.clone(),
            label: a.spec.label.clone(),
            volume: a.spec.volume.clone(),
            disclosure: a.spec.disclosure,
            late_notice: a.spec.late_notice.clone(),
            state: a.state,
            history: a.history.clone(),
            conflicts: self.visible_conflicts(viewer, &a.conflicts.all),
        }
    }

    fn conflict_view(&self, viewer: &Actor, id: &ConflictId, c: &Conflict) -> ConflictView {
        // A wide question, or one past the budget: the asker is told only
        // that the coordinator will contact it, whatever the other side's
        // disclosure.
        let withheld = !viewer.coordinator && c.withheld_from(&viewer.party);
        let [first, second] = c
            .sides
            .each_ref()
            .map(|side| match side.party == viewer.party {
                false if withheld => SideView::CoordinatorWillContact,
                _ => self.side_view(viewer, side),
            });
        let sides = if c.side_of(&viewer.party) == Some(1) {
            [second, first]
        } else {
            [first, second]
        };
        let overlap = if sides.contains(&SideView::CoordinatorWillContact) {
            None
        } else {
            Some(Overlap {
                window: c.window,
                area: c.area,
            })
        };
        ConflictView {
            id: *id,
            state: c.state,
            opened_ms: c.opened_ms,
            resolved_ms: c.resolved_ms,
            overridden: c.overridden.clone(),
            overlap,
            sides,
            withheld: c.withheld.filter(|_| viewer.coordinator),
            via_coordinator: viewer.coordinator && c.via_coordinator,
        }
    }

    fn side_view(&self, viewer: &Actor, side: &Side) -> SideView {
        let acknowledged = side.notification.state == NotificationState::Acknowledged;
        // Those striking near a disputed site are told so, whatever else
        // they may see of it: the ruling is the coordinator's word to them.
        let disputed = match &side.object {
            ObjectRef::Declaration(id) => self
                .declarations
                .get(id)
                .is_some_and(|d| d.disputed.is_some()),
            _ => false,
        };
        match sight(self, viewer, &side.object) {
            Sight::Full if viewer.coordinator || side.party == viewer.party => SideView::Full {
                party: side.party.clone(),
                object: side.object,
                kind: side.kind.clone(),
                notification: side.notification.clone(),
                disputed,
            },
            Sight::Full => SideView::Public {
                party: side.party.clone(),
                object: side.object,
                kind: side.kind.clone(),
                acknowledged,
                disputed,
            },
            Sight::Conflict(Disclosure::Coarse) => SideView::Coarse {
                kind: side.kind.clone(),
                acknowledged,
                disputed,
            },
            // A conflict's sides are never hidden from those who see the
            // conflict; were one, the least is said.
            Sight::Conflict(Disclosure::CoordinatorOnly) | Sight::Hidden => {
                SideView::CoordinatorWillContact
            }
        }
    }
}
