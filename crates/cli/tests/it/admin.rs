//! Parties and tokens from the command line, also against a running server.

use crate::{Server, data_dir, ok, run};

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
