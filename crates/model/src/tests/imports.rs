//! Imports: many declarations as one act, all or none, every refusal named
//! by its place in the list; a key that makes a retry create nothing twice;
//! each declaration in the record read as a declaration is.

use super::*;
use crate::{MAX_IMPORT, may_read};

fn site(kind: &str, label: &str, lon: f64, lat: f64) -> DeclarationSpec {
    let Command::Declare(spec) = declare(kind, label, vol(point(lon, lat), 200.0, -1, None)) else {
        unreachable!("declare builds a declaration");
    };
    spec
}

fn import(key: &str, declarations: Vec<DeclarationSpec>) -> Command {
    Command::Import {
        key: key.into(),
        declarations,
    }
}

#[test]
fn an_import_declares_each_site_and_finds_their_conflicts() {
    let mut w = World::new();
    w.ok(
        "coalition/operator",
        "strike",
        submit(
            "air_strike",
            "Strike",
            vol(point(43.5, 34.5), 500.0, 1, Some(2)),
        ),
    );
    let mut camp = site("camp", "Camp north of Tikrit", 43.5, 34.505);
    camp.visibility = Visibility::Public;
    let entry = w.ok(
        "ocha/operator",
        "sites",
        import(
            "ocha-2020-01",
            vec![camp, site("warehouse", "Warehouse", 44.0, 35.0)],
        ),
    );
    assert_eq!(entry.outcome.imported.len(), 2);
    assert_eq!(entry.outcome.opened.len(), 1, "the camp meets the strike");
    assert_eq!(
        entry.outcome.opened[0].other,
        ObjectRef::Declaration(entry.outcome.imported[0])
    );
    let ocha = w.state.view(&viewer("ocha"));
    assert_eq!(ocha.declarations.len(), 2);
    assert_eq!(
        w.state.imported("ocha", "ocha-2020-01"),
        Some(entry.outcome.imported.as_slice())
    );
    assert_eq!(w.state.imported("pmf", "ocha-2020-01"), None);
}

#[test]
fn one_refused_site_refuses_the_import_naming_every_one() {
    let mut w = World::new();
    let mut unit = site("unit_position", "Company", 44.0, 34.0);
    unit.tracking = Some(crate::track::TrackingSpec {
        report_interval_s: 60,
        max_speed_mps: Some(10.0),
        cot_uid: None,
    });
    let list = vec![
        site("camp", "Good camp", 43.0, 34.0),
        site("camp", "Bad camp", 43.0, 95.0),
        unit,
        site("clinic", "Good clinic", 43.1, 34.1),
    ];
    let e = w.run("ocha/operator", import("k", list)).unwrap_err();
    let ModelError::ImportRefused { refused } = &e else {
        panic!("{e}");
    };
    let indices: Vec<usize> = refused.iter().map(|r| r.index).collect();
    assert_eq!(indices, [1, 2]);
    assert!(
        matches!(&refused[0].error, ModelError::Invalid { field, .. } if field.contains("coordinates")),
        "{e}"
    );
    assert!(
        matches!(&refused[1].error, ModelError::Invalid { field, .. } if field == "tracking"),
        "{e}"
    );
    assert_eq!(e.code(), "import_refused");
    assert!(w.entries.is_empty(), "nothing applied");
    assert!(w.state.view(&viewer("ocha")).declarations.is_empty());
}

#[test]
fn a_key_is_used_once_by_each_party_and_the_list_is_bounded() {
    let mut w = World::new();
    w.ok(
        "ocha/operator",
        "first",
        import("sites", vec![site("camp", "Camp", 43.0, 34.0)]),
    );
    let again = w
        .run(
            "ocha/operator",
            import("sites", vec![site("camp", "Camp", 43.0, 34.0)]),
        )
        .unwrap_err();
    assert!(
        matches!(&again, ModelError::Invalid { field, .. } if field == "key"),
        "{again}"
    );
    // Another party's key is its own.
    w.ok(
        "pmf/operator",
        "pmf",
        import("sites", vec![site("clinic", "Clinic", 43.2, 34.2)]),
    );
    for (key, list) in [
        ("", vec![site("camp", "Camp", 43.0, 34.0)]),
        ("empty", vec![]),
        (
            "huge",
            vec![site("camp", "Camp", 43.0, 34.0); MAX_IMPORT + 1],
        ),
    ] {
        let e = w.run("ocha/operator", import(key, list)).unwrap_err();
        assert_eq!(e.code(), "invalid", "{key}: {e}");
    }
    let viewer_import = w.run(
        "ocha/viewer",
        import("v", vec![site("camp", "Camp", 43.0, 34.0)]),
    );
    assert_eq!(viewer_import.unwrap_err().code(), "role_forbidden");
}

#[test]
fn each_imported_site_is_read_in_the_record_as_the_api_shows_it() {
    let mut w = World::new();
    let mut public_camp = site("camp", "Public camp", 43.9, 34.9);
    public_camp.visibility = Visibility::Public;
    let entry = w.ok(
        "ocha/operator",
        "sites",
        import(
            "k",
            vec![site("clinic", "Private clinic", 43.0, 34.0), public_camp],
        ),
    );
    let read = |party: &str, pointer: &str| may_read(&w.state, &viewer(party), &entry, pointer);
    assert!(read("ocha", "/command/import/key"));
    assert!(read("ocha", "/command/import/declarations/0/label"));
    assert!(
        !read("pmf", "/command/import/key"),
        "how it imported is OCHA's"
    );
    assert!(
        !read("pmf", "/command/import/declarations/0/label"),
        "the private clinic"
    );
    assert!(!read("pmf", "/outcome/imported/0"));
    assert!(
        read("pmf", "/command/import/declarations/1/label"),
        "the public camp"
    );
    assert!(read("pmf", "/outcome/imported/1"));
    assert!(
        read("pmf", "/time_ms"),
        "it reads the entry of the public camp"
    );
}
