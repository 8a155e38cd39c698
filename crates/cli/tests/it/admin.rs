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
    // A file that does not parse is named.
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "dta = 1\n").unwrap();
    let out = run(&["party", "list", "--config", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("dta"));
}

#[test]
fn each_store_setting_is_taken_as_serve_takes_it() {
    let (dir, _) = data_dir(&[]);
    let data = dir.path().to_str().unwrap();
    let other = tempfile::tempdir().unwrap();
    let other = other.path().to_str().unwrap();
    ok(&["party", "add", "ocha", "--data", other]);
    let config = dir.path().join("deconflict.toml");
    std::fs::write(&config, format!("data = {other:?}\n")).unwrap();
    let config = config.to_str().unwrap();
    let list = |env: &[(&str, &str)], args: &[&str]| {
        let out = bin()
            .args(["party", "list"])
            .args(args)
            .envs(env.iter().copied())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{env:?} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    // The environment's data directory wins over the file's.
    let listed = list(&[("DECONFLICT_DATA", data)], &["--config", config]);
    assert!(
        listed.contains("joc") && !listed.contains("ocha"),
        "{listed}"
    );
    // --config wins over DECONFLICT_CONFIG.
    let elsewhere = dir.path().join("elsewhere.toml");
    std::fs::write(&elsewhere, format!("data = {data:?}\n")).unwrap();
    let listed = list(
        &[("DECONFLICT_CONFIG", elsewhere.to_str().unwrap())],
        &["--config", config],
    );
    assert_eq!(listed.trim(), "ocha\tparty");
    // The file's `store` is where the tables are even beside --data, which
    // then holds only the node's checkpoint: `serve` says the same of both.
    let with_store = dir.path().join("store.toml");
    std::fs::write(&with_store, "store = \"mysql://db.example/deconflict\"\n").unwrap();
    let with_store = with_store.to_str().unwrap();
    for args in [
        vec!["party", "list", "--config", with_store, "--data", data],
        vec!["token", "list", "--config", with_store, "--data", data],
        vec![
            "serve",
            "--config",
            with_store,
            "--data",
            data,
            "--listen",
            "127.0.0.1:0",
            "--cot-listen",
            "off",
        ],
    ] {
        let out = run(&args);
        assert!(!out.status.success(), "{args:?} succeeded");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains("store: "), "{args:?}: {said}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    // A --store flag wins over the file's data directory.
    let out = run(&["party", "list", "--config", config, "--store", "sqlite:x"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("store: "));
}

#[test]
fn a_config_file_that_names_no_store_is_refused_not_passed_over() {
    let dir = tempfile::tempdir().unwrap();
    // A store at the default place, which the file must not fall back to.
    let default = dir.path().join("deconflict-data");
    ok(&["party", "add", "joc", "--data", default.to_str().unwrap()]);
    let config = dir.path().join("deconflict.toml");
    std::fs::write(&config, "listen = \"127.0.0.1:0\"\n").unwrap();
    let config = config.to_str().unwrap();
    for args in [
        vec!["party", "list", "--config", config],
        vec!["party", "add", "ocha", "--config", config],
        vec!["token", "list", "--config", config, "--output", "json"],
        vec![
            "token", "create", "--party", "joc", "--role", "viewer", "--config", config,
        ],
    ] {
        let out = bin().args(&args).current_dir(dir.path()).output().unwrap();
        assert!(!out.status.success(), "{args:?} succeeded");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(
            said.contains(config) && said.contains("names no store"),
            "{args:?}: {said}"
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    assert_eq!(
        ok(&["party", "list", "--data", default.to_str().unwrap()]).trim(),
        "joc\tparty"
    );
    // Nor is a file that is not there passed over; `party add` makes nothing.
    let missing = dir.path().join("missing.toml");
    let missing = missing.to_str().unwrap();
    for args in [
        vec!["party", "list", "--config", missing],
        vec!["party", "add", "ocha", "--config", missing],
    ] {
        let out = bin().args(&args).current_dir(dir.path()).output().unwrap();
        assert!(!out.status.success(), "{args:?} succeeded");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(
            said.contains("cannot read the config file") && said.contains(missing),
            "{args:?}: {said}"
        );
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
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
fn token_create_in_json_names_the_credential_the_list_shows() {
    let (dir, _) = data_dir(&[]);
    let data = dir.path().to_str().unwrap();
    let create = |output: &str| {
        run(&[
            "token", "create", "--party", "pmf", "--role", "auditor", "--data", data, "--output",
            output,
        ])
    };
    let out = create("json");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let issued: Value = serde_json::from_slice(&out.stdout).unwrap();
    let token = issued["token"].as_str().unwrap();
    assert!(token.starts_with("dcf_") && token.len() == 68, "{issued}");
    assert!(
        issued["party"] == "pmf" && issued["role"] == "auditor",
        "{issued}"
    );
    let listed = ok(&["token", "list", "--data", data, "--output", "json"]);
    assert!(!listed.contains(token), "a token in {listed}");
    let listed: Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed[0]["id"], issued["id"]);
    // `text` is the default: the token alone.
    let text = String::from_utf8(create("text").stdout).unwrap();
    assert!(text.trim().starts_with("dcf_") && text.lines().count() == 1);
    // A format that is not one is refused before anything is issued.
    let out = create("yaml");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid value 'yaml'"));
    assert_eq!(ok(&["token", "list", "--data", data]).lines().count(), 2);
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
