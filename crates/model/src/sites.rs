//! Protected sites that stay true: re-confirmed in time, and open to
//! challenge.
//!
//! **Re-confirmation.** A rule ([`Rule::Reconfirm`](crate::Rule::Reconfirm))
//! says how often a declaration of a kind is re-confirmed by its owner
//! ([`Command::Reconfirm`]; declaring and amending confirm too). The sweep
//! marks a site not re-confirmed in time `unconfirmed` (`outcome.unconfirmed`):
//! it is still protected, never dropped, and shown as unconfirmed to all who
//! see it. An activity submitted over an unconfirmed site asks its owner to
//! re-confirm by a deadline (`outcome.asked`: the notice the activity's kind
//! needs, or [`Policy::reconfirm_within_ms`](crate::Policy)); until the owner
//! answers or the deadline passes, the activity is not cleared, and the
//! approver sees whether it did.
//!
//! **Challenges.** A party may challenge a public declaration it sees, the
//! coordinator any ([`Command::Challenge`], with grounds). The owner is told
//! of it, and of the challenger only if the coordinator names it when it
//! rules; the owner may answer once; the coordinator rules `upheld` (the site
//! stands), `disputed` (it stands, flagged to all who see it, and causes no
//! holds) or `withdrawn` (it no longer protects). Each step is a logged act.
//! A party keeps at most one open challenge of a declaration.
//!
//! [`Command::Reconfirm`]: crate::Command::Reconfirm
//! [`Command::Challenge`]: crate::Command::Challenge

use crate::actor::Actor;
use crate::id::{ChallengeId, ConflictId, DeclarationId};
use crate::state::State;
use serde::{Deserialize, Serialize};

/// How the coordinator rules on a challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChallengeRuling {
    /// The site stands as declared.
    Upheld,
    /// It stands, flagged disputed for all who see it; it causes no holds.
    Disputed,
    /// It no longer stands.
    Withdrawn,
}

/// A site asked to re-confirm by a deadline, because an activity was
/// submitted over it while it was unconfirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReconfirmAsk {
    pub declaration: DeclarationId,
    pub until_ms: i64,
}

/// A challenge as the state keeps it.
#[derive(Debug, Clone)]
pub(crate) struct Challenge {
    pub(crate) declaration: DeclarationId,
    pub(crate) by: String,
    pub(crate) grounds: String,
    pub(crate) raised_ms: i64,
    pub(crate) answer: Option<(String, i64)>,
    pub(crate) ruling: Option<Ruled>,
}

#[derive(Debug, Clone)]
pub(crate) struct Ruled {
    pub(crate) ruling: ChallengeRuling,
    pub(crate) reason: String,
    pub(crate) named: bool,
    pub(crate) time_ms: i64,
    /// Upheld a site that stood disputed until then.
    pub(crate) lifted: bool,
}

/// A challenge as one viewer may see it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChallengeView {
    pub id: ChallengeId,
    pub declaration: DeclarationId,
    /// The challenger: to the coordinator and the challenger itself, and to
    /// the owner once the coordinator names it.
    pub by: Option<String>,
    pub grounds: String,
    pub raised_ms: i64,
    pub answer: Option<String>,
    pub answered_ms: Option<i64>,
    pub ruling: Option<ChallengeRuling>,
    pub ruling_reason: Option<String>,
    pub ruled_ms: Option<i64>,
}

impl State {
    /// The challenges of `declaration` that `viewer` may see: all, to its
    /// owner and the coordinator; its own, to a challenger.
    pub(crate) fn challenges_of(
        &self,
        viewer: &Actor,
        declaration: &DeclarationId,
    ) -> Vec<ChallengeView> {
        let Some(d) = self.declarations.get(declaration) else {
            return Vec::new();
        };
        d.challenges
            .iter()
            .filter_map(|id| Some((id, self.challenges.get(id)?)))
            .filter(|(_, c)| viewer.coordinator || d.owner == viewer.party || c.by == viewer.party)
            .map(|(id, c)| self.challenge_view(viewer, id, c))
            .collect()
    }

    /// The standing conflicts of `declaration`, each with the party on its
    /// other side: those a ruling on the site is told to.
    pub fn meeting(&self, declaration: &DeclarationId) -> Vec<(ConflictId, String)> {
        let Some(d) = self.declarations.get(declaration) else {
            return Vec::new();
        };
        d.conflicts
            .standing
            .iter()
            .filter_map(|id| {
                let c = self.conflicts.get(id)?;
                let other = c.sides.iter().find(|s| s.party != d.owner)?;
                Some((*id, other.party.clone()))
            })
            .collect()
    }

    /// Whether ruling `challenge` lifted a dispute: it upheld a site that
    /// stood disputed until then.
    pub fn lifted_dispute(&self, challenge: &ChallengeId) -> bool {
        self.challenges
            .get(challenge)
            .and_then(|c| c.ruling.as_ref())
            .is_some_and(|r| r.lifted)
    }

    /// Every challenge `viewer` may see, by id.
    pub fn challenges(&self, viewer: &Actor) -> Vec<ChallengeView> {
        self.challenges
            .keys()
            .filter_map(|id| self.challenge(viewer, id))
            .collect()
    }

    /// One challenge, if `viewer` may see it.
    pub fn challenge(&self, viewer: &Actor, id: &ChallengeId) -> Option<ChallengeView> {
        let c = self.challenges.get(id)?;
        let owner = &self.declarations.get(&c.declaration)?.owner;
        let sees = viewer.coordinator || *owner == viewer.party || c.by == viewer.party;
        sees.then(|| self.challenge_view(viewer, id, c))
    }

    fn challenge_view(&self, viewer: &Actor, id: &ChallengeId, c: &Challenge) -> ChallengeView {
        let named = c.ruling.as_ref().is_some_and(|r| r.named);
        let by = (viewer.coordinator || c.by == viewer.party || named).then(|| c.by.clone());
        ChallengeView {
            id: *id,
            declaration: c.declaration,
            by,
            grounds: c.grounds.clone(),
            raised_ms: c.raised_ms,
            answer: c.answer.as_ref().map(|(a, _)| a.clone()),
            answered_ms: c.answer.as_ref().map(|(_, t)| *t),
            ruling: c.ruling.as_ref().map(|r| r.ruling),
            ruling_reason: c.ruling.as_ref().map(|r| r.reason.clone()),
            ruled_ms: c.ruling.as_ref().map(|r| r.time_ms),
        }
    }
}
