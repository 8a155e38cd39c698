//! The rules of the theatre: set by the coordinator as logged acts, read by
//! those they bind, named by every decision that applies them.

use super::*;
use crate::{ActivityState, AreaEffect, Rule, RuleSpec, may_read};

const BAIJI: [f64; 2] = [43.47, 34.93];

fn set(name: &str, parties: &[&str], public: bool, rule: Option<Rule>, from_ms: i64) -> Command {
    Command::SetRule {
        spec: RuleSpec {
            name: name.into(),
            parties: parties.iter().map(|p| (*p).to_owned()).collect(),
            public,
            rule,
            from_ms,
        },
        reason: Some("agreed at the JOC".into()),
    }
}

fn kinds(list: &[&str]) -> Vec<String> {
    list.iter().map(|k| (*k).to_owned()).collect()
}

/// A submission `from_h` hours after T0 near Baiji, by `who`.
fn plan(
    w: &mut World,
    who: &str,
    name: &str,
    kind: &str,
    from_h: i64,
) -> Result<Entry, ModelError> {
    let [lon, lat] = BAIJI;
    let entry = w.run(
        who,
        submit(
            kind,
            name,
            vol(point(lon, lat), 500.0, from_h, Some(from_h + 1)),
        ),
    )?;
    if let Some(created) = entry.outcome.created {
        w.names.insert(name.to_owned(), created);
    }
    Ok(entry)
}

fn state_of(entry: &Entry) -> ActivityState {
    entry.outcome.activity_state.expect("an activity's state")
}

fn refused_by(e: &ModelError) -> (&str, u64, &str) {
    match e {
        ModelError::RuleRefused { rule, field, .. } => (rule.name.as_str(), rule.version, field),
        other => panic!("not refused by a rule: {other}"),
    }
}

#[test]
fn a_party_may_not_submit_a_kind_its_mandate_forbids_and_the_refusal_names_the_rule() {
    let mut w = World::new();
    let t = w.now();
    w.ok(
        "joc/approver",
        "mandate",
        set(
            "coalition-mandate",
            &["coalition"],
            true,
            Some(Rule::Forbid {
                kinds: kinds(&["ground_operation"]),
            }),
            t,
        ),
    );
    let e = plan(&mut w, "coalition/operator", "raid", "ground_operation", 30).unwrap_err();
    assert_eq!(e.code(), "rule_refused");
    assert_eq!(refused_by(&e), ("coalition-mandate", 1, "kind"));
    assert!(e.to_string().contains("rule coalition-mandate v1"), "{e}");
    // Another party is not bound by it.
    plan(&mut w, "isf/operator", "raid", "ground_operation", 30).unwrap();
    // A new version that no longer stands frees the coalition.
    let t = w.now();
    w.ok(
        "joc/approver",
        "lifted",
        set("coalition-mandate", &["coalition"], true, None, t),
    );
    plan(
        &mut w,
        "coalition/operator",
        "raid2",
        "ground_operation",
        30,
    )
    .unwrap();
}

#[test]
fn clearance_is_per_party_and_a_party_no_rule_binds_keeps_the_configured_list() {
    let mut w = World::new();
    let t = w.now();
    // The configured list: an air strike waits, a patrol does not.
    assert_eq!(
        state_of(&plan(&mut w, "isf/operator", "s0", "air_strike", 30).unwrap()),
        ActivityState::Held
    );
    assert_eq!(
        state_of(&plan(&mut w, "isf/operator", "p0", "patrol", 32).unwrap()),
        ActivityState::Cleared
    );
    w.ok(
        "joc/approver",
        "rule",
        set(
            "coalition-clearance",
            &["coalition"],
            false,
            Some(Rule::Clearance {
                kinds: kinds(&["patrol"]),
            }),
            t,
        ),
    );
    let patrol = plan(&mut w, "coalition/operator", "p1", "patrol", 34).unwrap();
    assert_eq!(state_of(&patrol), ActivityState::Held);
    assert_eq!(patrol.outcome.ruled[0].name, "coalition-clearance");
    let history = &w
        .state
        .activity(&actor("coalition/viewer"), &w.act("p1"))
        .unwrap()
        .history;
    assert_eq!(
        history[0].reason.as_deref(),
        Some("held under rule coalition-clearance v1")
    );
    // The rule replaces the list for the coalition alone.
    let strike = plan(&mut w, "coalition/operator", "s1", "air_strike", 36).unwrap();
    assert_eq!(state_of(&strike), ActivityState::Cleared);
    assert_eq!(
        state_of(&plan(&mut w, "isf/operator", "p2", "patrol", 38).unwrap()),
        ActivityState::Cleared
    );
    // A clearance rule with no kinds frees those it binds from the list.
    let t = w.now();
    w.ok(
        "joc/approver",
        "free",
        set(
            "isf-free",
            &["isf"],
            false,
            Some(Rule::Clearance { kinds: vec![] }),
            t,
        ),
    );
    assert_eq!(
        state_of(&plan(&mut w, "isf/operator", "s2", "air_strike", 40).unwrap()),
        ActivityState::Cleared
    );
}

#[test]
fn too_little_notice_is_refused_unless_it_comes_late_by_the_emergency_lane() {
    let mut w = World::new();
    w.set_clock(T0);
    let t = w.now();
    w.ok(
        "joc/approver",
        "notice",
        set(
            "convoy-notice",
            &[],
            false,
            Some(Rule::Notice {
                kind: "convoy".into(),
                hours: 48.0,
            }),
            t,
        ),
    );
    let e = plan(&mut w, "ocha/operator", "c1", "convoy", 24).unwrap_err();
    assert_eq!(refused_by(&e), ("convoy-notice", 1, "start"));
    assert!(e.to_string().contains("48 h notice"), "{e}");
    // 49 hours ahead is in time, and not held.
    assert_eq!(
        state_of(&plan(&mut w, "ocha/operator", "c2", "convoy", 49).unwrap()),
        ActivityState::Cleared
    );
    // Late, with a reason: accepted, and waits for an approver.
    let [lon, lat] = BAIJI;
    let late = w.ok(
        "ocha/operator",
        "c3",
        Command::SubmitActivity(ActivitySpec {
            late_notice: Some("  medical evacuation of the wounded ".into()),
            ..match submit(
                "convoy",
                "Late convoy",
                vol(point(lon, lat), 500.0, 3, Some(4)),
            ) {
                Command::SubmitActivity(spec) => spec,
                _ => unreachable!(),
            }
        }),
    );
    assert_eq!(state_of(&late), ActivityState::Held);
    assert_eq!(late.outcome.ruled[0].name, "convoy-notice");
    match &late.command {
        Command::SubmitActivity(spec) => {
            assert_eq!(
                spec.late_notice.as_deref(),
                Some("medical evacuation of the wounded")
            );
        }
        other => panic!("{other:?}"),
    }
    // A blank reason is no reason.
    let e = w
        .run(
            "ocha/operator",
            Command::SubmitActivity(ActivitySpec {
                late_notice: Some("  ".into()),
                ..match submit(
                    "convoy",
                    "Late convoy",
                    vol(point(lon, lat), 500.0, 3, Some(4)),
                ) {
                    Command::SubmitActivity(spec) => spec,
                    _ => unreachable!(),
                }
            }),
        )
        .unwrap_err();
    assert_eq!(
        e.kind(),
        crate::ErrorKind::Invalid {
            field: "late_notice"
        }
    );
}

#[test]
fn an_area_rule_refuses_or_holds_what_meets_it_in_its_window_only() {
    let mut w = World::new();
    w.set_clock(T0);
    let t = w.now();
    let [lon, lat] = BAIJI;
    w.ok(
        "joc/approver",
        "nfa",
        set(
            "refinery-nfa",
            &[],
            true,
            Some(Rule::Area {
                label: "No-fire area, Baiji refinery".into(),
                volume: vol(point(lon, lat), 2_000.0, 0, Some(48)),
                kinds: kinds(&["air_strike", "indirect_fire"]),
                effect: AreaEffect::Refuse,
            }),
            t,
        ),
    );
    let e = plan(&mut w, "coalition/operator", "s1", "air_strike", 2).unwrap_err();
    assert_eq!(refused_by(&e), ("refinery-nfa", 1, "geometry"));
    // Another kind, or after the area's window, is not refused.
    plan(&mut w, "coalition/operator", "p1", "patrol", 2).unwrap();
    plan(&mut w, "coalition/operator", "s2", "air_strike", 50).unwrap();
    // Far away, not refused.
    w.run(
        "coalition/operator",
        submit(
            "air_strike",
            "Far",
            vol(point(lon + 1.0, lat), 500.0, 2, Some(3)),
        ),
    )
    .unwrap();
    let t = w.now();
    w.ok(
        "joc/approver",
        "zone",
        set(
            "baiji-zone",
            &["isf"],
            false,
            Some(Rule::Area {
                label: "Baiji zone".into(),
                volume: vol(square(lon, lat, 0.1), 0.0, 0, None),
                kinds: vec![],
                effect: AreaEffect::Clearance,
            }),
            t,
        ),
    );
    let patrol = plan(&mut w, "isf/operator", "p2", "patrol", 60).unwrap();
    assert_eq!(state_of(&patrol), ActivityState::Held);
    assert_eq!(patrol.outcome.ruled[0].name, "baiji-zone");
}

#[test]
fn a_lower_priority_activity_is_not_cleared_over_a_higher_ones_conflict_without_an_override() {
    let mut w = World::new();
    let t = w.now();
    w.ok(
        "joc/approver",
        "priorities",
        set(
            "priorities",
            &[],
            true,
            Some(Rule::Priority {
                kinds: kinds(&["medevac", "convoy", "patrol"]),
            }),
            t,
        ),
    );
    plan(&mut w, "ocha/operator", "medevac", "medevac", 30).unwrap();
    let convoy = plan(&mut w, "isf/operator", "convoy", "convoy", 30).unwrap();
    assert_eq!(state_of(&convoy), ActivityState::Held);
    let conflict = convoy.outcome.opened[0].id;
    w.ok("ocha/operator", "ack1", ack(&conflict));
    w.ok("isf/operator", "ack2", ack(&conflict));
    let e = w
        .run("joc/approver", clear(&w.act("convoy"), "looks fine"))
        .unwrap_err();
    assert_eq!(refused_by(&e), ("priorities", 1, "id"));
    // The higher one may be cleared over the lower one.
    w.ok(
        "joc/approver",
        "clear-medevac",
        clear(&w.act("medevac"), "first"),
    );
    // Overridden, the conflict no longer stands in the way; both owners
    // are told of the override.
    let overridden = w.ok(
        "joc/approver",
        "override",
        Command::Override {
            conflict,
            reason: Some("the convoy carries the medevac's fuel".into()),
        },
    );
    let told: Vec<&str> = overridden
        .outcome
        .notices
        .iter()
        .map(|n| n.party.as_str())
        .collect();
    assert!(told.contains(&"ocha") && told.contains(&"isf"), "{told:?}");
    w.ok(
        "joc/approver",
        "clear-convoy",
        clear(&w.act("convoy"), "overridden"),
    );
}

#[test]
fn a_limits_rule_tightens_a_kind_and_rescinding_it_restores_the_built_in_row() {
    let mut w = World::new();
    let t = w.now();
    let [lon, lat] = BAIJI;
    let long = || {
        submit(
            "convoy",
            "Long convoy",
            vol(point(lon, lat), 500.0, 10, Some(10 + 72)),
        )
    };
    w.run("isf/operator", long()).unwrap();
    w.ok(
        "joc/approver",
        "limits",
        set(
            "convoy-limits",
            &[],
            false,
            Some(Rule::Limits {
                kind: "convoy".into(),
                max_area_km2: None,
                max_window_h: Some(48.0),
                max_altitude_m: None,
                max_speed_mps: None,
            }),
            t,
        ),
    );
    let e = w.run("isf/operator", long()).unwrap_err();
    assert_eq!(e.kind(), crate::ErrorKind::Invalid { field: "end" });
    assert!(e.to_string().contains("at most 2 days"), "{e}");
    assert_eq!(
        w.state.limits("isf", "convoy", w.now()).max_area_km2,
        Some(5_000.0)
    );
    let t = w.now();
    w.ok(
        "joc/approver",
        "rescind",
        set("convoy-limits", &[], false, None, t),
    );
    w.run("isf/operator", long()).unwrap();
}

#[test]
fn a_rule_takes_effect_when_it_says_and_not_before() {
    let mut w = World::new();
    let later = w.now() + 10 * 60_000;
    w.ok(
        "joc/approver",
        "mandate",
        set(
            "mandate",
            &["coalition"],
            false,
            Some(Rule::Forbid {
                kinds: kinds(&["patrol"]),
            }),
            later,
        ),
    );
    plan(&mut w, "coalition/operator", "p1", "patrol", 30).unwrap();
    w.set_clock(later + 60_000);
    assert!(plan(&mut w, "coalition/operator", "p2", "patrol", 30).is_err());
}

#[test]
fn a_rule_is_read_by_those_it_binds_by_all_if_public_and_by_the_coordinator() {
    let mut w = World::new();
    let t = w.now();
    let private = w.ok(
        "joc/approver",
        "private",
        set(
            "coalition-clearance",
            &["coalition"],
            false,
            Some(Rule::Clearance {
                kinds: kinds(&["patrol"]),
            }),
            t,
        ),
    );
    let public = w.ok(
        "joc/approver",
        "public",
        set(
            "coalition-mandate",
            &["coalition"],
            true,
            Some(Rule::Forbid {
                kinds: kinds(&["ground_operation"]),
            }),
            t,
        ),
    );
    let names = |who: &str| -> Vec<String> {
        w.state
            .rules(&viewer(who))
            .into_iter()
            .map(|v| v.spec.name)
            .collect()
    };
    assert_eq!(names("joc"), ["coalition-clearance", "coalition-mandate"]);
    assert_eq!(
        names("coalition"),
        ["coalition-clearance", "coalition-mandate"]
    );
    assert_eq!(names("pmf"), ["coalition-mandate"]);
    for pointer in [
        "/time_ms",
        "/command",
        "/command/set_rule/spec/rule",
        "/actor/party",
    ] {
        assert!(
            !may_read(&w.state, &viewer("pmf"), &private, pointer),
            "{pointer}"
        );
        assert!(
            may_read(&w.state, &viewer("coalition"), &private, pointer),
            "{pointer}"
        );
        assert!(
            may_read(&w.state, &viewer("pmf"), &public, pointer),
            "{pointer}"
        );
    }
    // Nor does the PMF learn of the private rule from what it held.
    plan(&mut w, "coalition/operator", "p", "patrol", 30).unwrap();
    assert!(!w.seen_by("pmf").contains("coalition-clearance"));
}

#[test]
fn only_the_coordinators_approvers_set_rules_each_with_a_reason_and_well_formed() {
    let mut w = World::new();
    let t = w.now();
    let forbid = || {
        Some(Rule::Forbid {
            kinds: kinds(&["patrol"]),
        })
    };
    for who in ["coalition/approver", "joc/operator", "pmf/operator"] {
        let e = w.run(who, set("r", &[], false, forbid(), t)).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Forbidden, "{who}");
    }
    let e = w
        .run(
            "joc/approver",
            Command::SetRule {
                spec: RuleSpec {
                    name: "r".into(),
                    parties: vec![],
                    public: false,
                    rule: forbid(),
                    from_ms: t,
                },
                reason: None,
            },
        )
        .unwrap_err();
    assert_eq!(e.code(), "reason_required");
    let bad: [(&str, Option<Rule>, &str); 7] = [
        ("Bad Name", forbid(), "name"),
        ("r", Some(Rule::Forbid { kinds: vec![] }), "rule.kinds"),
        (
            "r",
            Some(Rule::Forbid {
                kinds: kinds(&["patrol", "patrol"]),
            }),
            "rule.kinds[1]",
        ),
        (
            "r",
            Some(Rule::Priority {
                kinds: kinds(&["medevac"]),
            }),
            "rule.kinds",
        ),
        (
            "r",
            Some(Rule::Notice {
                kind: "convoy".into(),
                hours: 0.0,
            }),
            "rule.hours",
        ),
        (
            "r",
            Some(Rule::Limits {
                kind: "convoy".into(),
                max_area_km2: Some(-1.0),
                max_window_h: None,
                max_altitude_m: None,
                max_speed_mps: None,
            }),
            "rule.max_area_km2",
        ),
        (
            "r",
            Some(Rule::Area {
                label: "Nowhere".into(),
                volume: vol(point(44.0, 34.0), 10.0, 5, Some(2)),
                kinds: vec![],
                effect: AreaEffect::Refuse,
            }),
            "rule.volume.valid_to",
        ),
    ];
    for (name, rule, field) in bad {
        let e = w
            .run("joc/approver", set(name, &[], false, rule, t))
            .unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Invalid { field }, "{e}");
    }
    let e = w
        .run(
            "joc/approver",
            set("r", &["isf", "isf"], false, forbid(), t),
        )
        .unwrap_err();
    assert_eq!(
        e.kind(),
        crate::ErrorKind::Invalid {
            field: "parties[1]"
        }
    );
}

#[test]
fn rules_are_a_fold_of_the_log_and_replay_to_the_same_versions() {
    let mut w = World::new();
    let t = w.now();
    for (i, rule) in [
        Some(Rule::Forbid {
            kinds: kinds(&["patrol"]),
        }),
        Some(Rule::Forbid {
            kinds: kinds(&["survey"]),
        }),
        None,
    ]
    .into_iter()
    .enumerate()
    {
        w.ok(
            "joc/approver",
            &format!("v{i}"),
            set("mandate", &["isf"], false, rule, t),
        );
    }
    let replayed = State::replay(Policy::default(), &w.entries).unwrap();
    let versions = |s: &State| -> Vec<(u64, bool)> {
        s.rules(&viewer("joc"))
            .into_iter()
            .map(|v| (v.version, v.spec.rule.is_some()))
            .collect()
    };
    assert_eq!(versions(&replayed), [(1, true), (2, true), (3, false)]);
    assert_eq!(versions(&replayed), versions(&w.state));
    assert_eq!(replayed.rules_in_force(w.now()).count(), 0);
}

#[test]
fn a_clearance_records_the_versions_of_what_it_was_decided_against_for_the_coordinator() {
    let mut w = World::new();
    let [lon, lat] = BAIJI;
    let camp = |label: &str| {
        public(declare(
            "camp",
            label,
            vol(point(lon, lat), 300.0, -1, None),
        ))
    };
    w.ok("pmf/operator", "camp", camp("Camp"));
    let id = w.decl("camp");
    let amended = match camp("Camp, grown") {
        Command::Declare(spec) => Command::Amend {
            id,
            version: Some(1),
            spec,
        },
        _ => unreachable!(),
    };
    w.ok("pmf/operator", "amended", amended);
    let strike = plan(&mut w, "coalition/operator", "strike", "air_strike", 30).unwrap();
    let conflict = strike.outcome.opened[0].id;
    w.ok("pmf/operator", "ack", ack(&conflict));
    w.ok("coalition/operator", "ack2", ack(&conflict));
    let cleared = w.ok(
        "joc/approver",
        "clear",
        clear(&w.act("strike"), "1 km clear of the camp"),
    );
    assert_eq!(
        cleared.outcome.known,
        [crate::Known {
            object: ObjectRef::Declaration(id),
            version: 2
        }]
    );
    for party in ["coalition", "pmf", "ocha"] {
        assert!(
            !may_read(&w.state, &viewer(party), &cleared, "/outcome/known/0"),
            "{party}"
        );
    }
    assert!(may_read(
        &w.state,
        &viewer("joc"),
        &cleared,
        "/outcome/known/0"
    ));
}

/// What a rule makes of one submission.
#[derive(Debug, PartialEq)]
enum Decision {
    /// Refused by the rule of this name (none: by a limit, as the built-in
    /// limits refuse), naming the field.
    Refused {
        rule: &'static str,
        field: String,
    },
    Held {
        rule: &'static str,
    },
    Cleared,
}

fn refused(rule: &'static str, field: &str) -> Decision {
    Decision::Refused {
        rule,
        field: field.to_owned(),
    }
}

/// One rule a row: the rule, the coalition's submission, and the decision
/// with the rule it names. A patrol near Baiji, 30 hours ahead, needs no
/// clearance by the configured list, so every hold or refusal is the rule's.
#[test]
fn each_kind_of_rule_decides_a_submission_and_names_itself() {
    let [lon, lat] = BAIJI;
    let patrol = |from_h: i64, hours: i64| {
        submit(
            "patrol",
            "Patrol",
            vol(point(lon, lat), 500.0, from_h, Some(from_h + hours)),
        )
    };
    let limits = |max_window_h| Rule::Limits {
        kind: "patrol".into(),
        max_area_km2: None,
        max_window_h: Some(max_window_h),
        max_altitude_m: None,
        max_speed_mps: None,
    };
    let area = |effect| Rule::Area {
        label: "Refinery zone".into(),
        volume: vol(point(lon, lat), 3_000.0, 0, None),
        kinds: kinds(&["patrol"]),
        effect,
    };
    let rows: Vec<(&str, Rule, Command, Decision)> = vec![
        (
            "forbid",
            Rule::Forbid {
                kinds: kinds(&["patrol"]),
            },
            patrol(30, 1),
            refused("forbid", "kind"),
        ),
        (
            "forbid another kind",
            Rule::Forbid {
                kinds: kinds(&["ground_operation"]),
            },
            patrol(30, 1),
            Decision::Cleared,
        ),
        (
            "clearance",
            Rule::Clearance {
                kinds: kinds(&["patrol"]),
            },
            patrol(30, 1),
            Decision::Held { rule: "clearance" },
        ),
        (
            "notice in time",
            Rule::Notice {
                kind: "patrol".into(),
                hours: 24.0,
            },
            patrol(30, 1),
            Decision::Cleared,
        ),
        (
            "notice too short",
            Rule::Notice {
                kind: "patrol".into(),
                hours: 48.0,
            },
            patrol(30, 1),
            refused("notice too short", "start"),
        ),
        (
            "area refused",
            area(AreaEffect::Refuse),
            patrol(30, 1),
            refused("area refused", "geometry"),
        ),
        (
            "area held",
            area(AreaEffect::Clearance),
            patrol(30, 1),
            Decision::Held { rule: "area held" },
        ),
        ("limits", limits(12.0), patrol(30, 24), refused("", "end")),
        (
            "priority",
            Rule::Priority {
                kinds: kinds(&["medevac", "patrol"]),
            },
            patrol(30, 1),
            Decision::Cleared,
        ),
    ];
    for (name, rule, command, want) in rows {
        let mut w = World::new();
        w.set_clock(T0);
        let slug = name.replace(' ', "-");
        let t = w.now();
        w.ok(
            "joc/approver",
            "rule",
            set(&slug, &["coalition"], false, Some(rule), t),
        );
        let got = match w.run("coalition/operator", command) {
            Err(ModelError::RuleRefused { rule, field, .. }) => {
                assert_eq!(rule.name, slug, "{name}");
                refused(name, &field)
            }
            // A limit refuses as the built-in limits do, naming the field.
            Err(ModelError::Invalid { field, .. }) => refused("", &field),
            Err(e) => panic!("{name}: {e}"),
            Ok(entry) if entry.outcome.activity_state == Some(crate::ActivityState::Held) => {
                assert_eq!(entry.outcome.ruled[0].name, slug, "{name}");
                Decision::Held { rule: name }
            }
            Ok(_) => Decision::Cleared,
        };
        assert_eq!(got, want, "{name}");
    }
}
