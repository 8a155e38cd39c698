use deconflict_store::{Directory, Role, StoreError, TOKEN_PREFIX, db_path};

fn directory() -> (tempfile::TempDir, Directory) {
    let dir = tempfile::tempdir().unwrap();
    let directory = Directory::open(dir.path()).unwrap();
    (dir, directory)
}

#[test]
fn parties_are_added_listed_and_duplicates_refused() {
    let (_dir, mut directory) = directory();
    directory.add_party("unocha", true).unwrap();
    directory.add_party("ngo-1", false).unwrap();
    let err = directory.add_party("ngo-1", false).unwrap_err();
    assert_eq!(err.to_string(), "party `ngo-1` already exists");
    let parties = directory.parties().unwrap();
    let names: Vec<_> = parties
        .iter()
        .map(|p| (p.name.as_str(), p.coordinator))
        .collect();
    assert_eq!(names, [("ngo-1", false), ("unocha", true)]);
}

#[test]
fn a_second_coordinator_is_refused() {
    let (_dir, mut directory) = directory();
    directory.add_party("unocha", true).unwrap();
    let err = directory.add_party("nato", true).unwrap_err();
    assert_eq!(
        err.to_string(),
        "party `unocha` is already the coordinator; there can be only one"
    );
    assert_eq!(directory.parties().unwrap().len(), 1);
}

#[test]
fn bad_party_names_are_refused() {
    let (_dir, mut directory) = directory();
    for bad in ["NATO", "", "1st", "a/b", &"n".repeat(33)] {
        let err = directory.add_party(bad, false).unwrap_err();
        assert!(
            matches!(err, StoreError::InvalidPartyName(_)),
            "{bad}: {err}"
        );
    }
    assert!(directory.parties().unwrap().is_empty());
}

#[test]
fn approver_is_only_for_the_coordinator() {
    let (_dir, mut directory) = directory();
    directory.add_party("unocha", true).unwrap();
    directory.add_party("ngo-1", false).unwrap();
    let err = directory.issue_token("ngo-1", Role::Approver).unwrap_err();
    assert_eq!(
        err.to_string(),
        "role approver is only for the coordinator party, and `ngo-1` is not it"
    );
    directory.issue_token("unocha", Role::Approver).unwrap();
    assert_eq!(directory.credentials().unwrap().len(), 1);
}

#[test]
fn a_token_for_an_unknown_party_is_refused() {
    let (_dir, mut directory) = directory();
    let err = directory.issue_token("ghost", Role::Viewer).unwrap_err();
    assert_eq!(err.to_string(), "party `ghost` does not exist");
}

#[test]
fn an_issued_token_authenticates_as_its_party_and_role() {
    let (_dir, mut directory) = directory();
    directory.add_party("unocha", true).unwrap();
    directory.add_party("ngo-1", false).unwrap();
    let issued = directory.issue_token("ngo-1", Role::Operator).unwrap();
    assert!(issued.token.starts_with(TOKEN_PREFIX));
    assert!(issued.credential.id.starts_with("cred_"));
    assert!(!issued.token.contains(&issued.credential.id[5..]));

    let who = directory.authenticate(&issued.token).unwrap().unwrap();
    assert_eq!(who.id, issued.credential.id);
    assert_eq!(
        (who.party.as_str(), who.role, who.coordinator),
        ("ngo-1", Role::Operator, false)
    );

    let coordinator = directory.issue_token("unocha", Role::Approver).unwrap();
    let who = directory.authenticate(&coordinator.token).unwrap().unwrap();
    assert!(who.coordinator);

    // One character off is a different token.
    let mut forged = issued.token.clone();
    let last = if forged.ends_with('0') { "1" } else { "0" };
    forged.replace_range(forged.len() - 1.., last);
    assert_eq!(directory.authenticate(&forged).unwrap(), None);
}

#[test]
fn revocation_from_another_connection_applies_to_the_next_lookup() {
    let (dir, mut cli) = directory();
    cli.add_party("ngo-1", false).unwrap();
    let issued = cli.issue_token("ngo-1", Role::Viewer).unwrap();
    // The "server": its own connection, opened before the revocation and kept open.
    let server = Directory::open(dir.path()).unwrap();
    assert!(server.authenticate(&issued.token).unwrap().is_some());

    let revoked = cli.revoke(&issued.credential.id).unwrap();
    assert!(revoked.revoked_ms.is_some());
    assert_eq!(server.authenticate(&issued.token).unwrap(), None);

    let listed = server.credentials().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].revoked_ms, revoked.revoked_ms);
    let err = cli.revoke(&issued.credential.id).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("credential `{}` is already revoked", issued.credential.id)
    );
    let err = cli.revoke("cred_00000000").unwrap_err();
    assert_eq!(err.to_string(), "credential `cred_00000000` does not exist");
}

#[test]
fn other_tokens_of_the_party_survive_a_revocation() {
    let (_dir, mut directory) = directory();
    directory.add_party("ngo-1", false).unwrap();
    let lost = directory.issue_token("ngo-1", Role::Operator).unwrap();
    let kept = directory.issue_token("ngo-1", Role::Operator).unwrap();
    directory.revoke(&lost.credential.id).unwrap();
    assert!(directory.authenticate(&kept.token).unwrap().is_some());
}

#[test]
fn the_token_is_not_stored_in_clear() {
    let (dir, mut directory) = directory();
    directory.add_party("ngo-1", false).unwrap();
    let issued = directory.issue_token("ngo-1", Role::Auditor).unwrap();
    let secret = issued.token[TOKEN_PREFIX.len()..].to_owned();
    let raw: Vec<u8> = (0..secret.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&secret[i..i + 2], 16).unwrap())
        .collect();
    drop(directory);
    // The WAL may still hold the page if it was not checkpointed; look in every file.
    let path = db_path(dir.path());
    for suffix in ["", "-wal"] {
        let file = format!("{}{suffix}", path.display());
        let Ok(bytes) = std::fs::read(&file) else {
            continue;
        };
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{file}"
        );
        assert!(
            !bytes.windows(raw.len()).any(|w| w == raw),
            "{file} holds the raw bytes"
        );
    }
    let listed = format!(
        "{:?}",
        Directory::open(dir.path()).unwrap().credentials().unwrap()
    );
    assert!(!listed.contains(&secret));
}
