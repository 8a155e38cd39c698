//! Parties and tokens from the command line, also against a running server.

use crate::{Server, bin, data_dir, ok, run};
use serde_json::Value;

#[test]
fn token_create_prints_only_the_token() {
    let (dir, tokens) = data_dir(&["coalition/operator"]);
    let token = &tokens[0];
    assert!(token.starts_with("dcf_") && token.len() == 68, "{token}");
    let listed = ok(&["token", "list", "--data", dir.path().to_str().unwrap()]);
    assert!(listed.contains("coalition\toperator\tactive"), "{listed}");
    assert!(!listed.contains(token.as_str()), "tokens are never listed");
    let out = run(&[
        "token",
        "create",
        "--party",
        "nobody",
        "--role",
        "viewer",
        "--data",
        dir.path().to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
}

#[test]
fn a_mistyped_data_directory_is_refused_not_made() {
    let (dir, _) = data_dir(&["coalition/operator"]);
    let typo = dir.path().with_extension("typo");
    let typo = typo.to_str().unwrap();
    for args in [
        vec!["party", "list", "--data", typo],
        vec!["token", "list", "--data", typo],
        vec![
            "token",
            "create",
            "--party",
            "coalition",
            "--role",
            "viewer",
            "--data",
            typo,
        ],
        vec!["token", "revoke", "cred_00000000", "--data", typo],
    ] {
        let out = run(&args);
        assert!(!out.status.success(), "{args:?} succeeded");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(
            said.contains(typo) && said.contains("no store here"),
            "{args:?}: {said}"
        );
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(!std::path::Path::new(typo).exists(), "{args:?} made {typo}");
    }
    // `party add` is how a store is made.
    ok(&["party", "add", "joc", "--coordinator", "--data", typo]);
    assert!(ok(&["party", "list", "--data", typo]).contains("joc"));
    std::fs::remove_dir_all(typo).unwrap();
}

#[test]
fn revoking_a_token_applies_at_once_to_a_running_server() {
    let (dir, tokens) = data_dir(&["pmf/viewer"]);
    let server = Server::serve(dir.path(), &[]);
    assert_eq!(
        server.call("GET", "/v1/state", Some(&tokens[0]), None).0,
        200
    );
    let listed = ok(&["token", "list", "--data", dir.path().to_str().unwrap()]);
    let id = listed
        .lines()
        .find(|l| l.contains("pmf\tviewer"))
        .and_then(|l| l.split('\t').next())
        .unwrap();
    ok(&[
        "token",
        "revoke",
        id,
        "--data",
        dir.path().to_str().unwrap(),
    ]);
    let (status, body) = server.call("GET", "/v1/state", Some(&tokens[0]), None);
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("\"code\":\"unauthenticated\""), "{body}");
}

#[test]
fn admin_commands_find_the_store_in_the_config_file_unless_a_flag_names_one() {
    let (dir, _) = data_dir(&["coalition/operator"]);
    let config = dir.path().join("deconflict.toml");
    std::fs::write(&config, format!("data = {:?}\n", dir.path())).unwrap();
    let config = config.to_str().unwrap();
    // From --config, and from DECONFLICT_CONFIG.
    let listed = ok(&["party", "list", "--config", config]);
    assert!(
        listed.contains("joc\tcoordinator") && listed.contains("pmf\tparty"),
        "{listed}"
    );
    let out = bin()
        .args(["token", "list"])
        .env("DECONFLICT_CONFIG", config)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("coalition\toperator"));
    // A flag wins over the file: an empty store elsewhere lists no one.
    let other = tempfile::tempdir().unwrap();
    let other = other.path().to_str().unwrap();
    ok(&["party", "add", "ocha", "--data", other]);
    let listed = ok(&["party", "list", "--config", config, "--data", other]);
    assert_eq!(listed.trim(), "ocha\tparty");
    // A file that names no store falls back to the default, which is not there.
    let empty = dir.path().join("empty.toml");
    std::fs::write(&empty, "listen = \"127.0.0.1:0\"\n").unwrap();
    let out = bin()
        .args(["party", "list", "--config", empty.to_str().unwrap()])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no store here"));
    // A file that does not parse is named.
    std::fs::write(&empty, "dta = 1\n").unwrap();
    let out = run(&["party", "list", "--config", empty.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("dta"));
}

#[test]
fn lists_are_json_for_scripts_and_never_hold_a_token() {
    let (dir, tokens) = data_dir(&["coalition/operator", "pmf/viewer"]);
    let data = dir.path().to_str().unwrap();
    let parties: Value =
        serde_json::from_str(&ok(&["party", "list", "--data", data, "--output", "json"])).unwrap();
    let names: Vec<&str> = parties
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["coalition", "joc", "pmf"]);
    assert_eq!(parties[1]["coordinator"], true);
    let listed = ok(&["token", "list", "--data", data, "--output", "json"]);
    for token in &tokens {
        assert!(!listed.contains(token.as_str()), "a token in {listed}");
    }
    let credentials: Value = serde_json::from_str(&listed).unwrap();
    let credentials = credentials.as_array().unwrap();
    assert_eq!(credentials.len(), 2);
    assert!(credentials.iter().any(|c| c["party"] == "pmf"
        && c["role"] == "viewer"
        && c["state"] == "active"
        && c["id"].as_str().unwrap().starts_with("cred_")));
    let out = run(&["party", "list", "--data", data, "--output", "yaml"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("yaml"));
}

#[test]
fn completions_are_printed_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = ok(&["completions", shell]);
        assert!(
            script.contains("party") && script.contains("token"),
            "{shell}"
        );
    }
    assert!(!run(&["completions", "tcsh"]).status.success());
}
