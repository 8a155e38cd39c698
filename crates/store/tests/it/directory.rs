use deconflict_store::{Directory, Location, Role, StoreError, TOKEN_PREFIX, db_path};

on_both_backends!(
    parties_are_added_listed_and_duplicates_refused,
    a_second_coordinator_is_refused,
    bad_party_names_are_refused,
    approver_is_only_for_the_coordinator,
    a_token_for_an_unknown_party_is_refused,
    an_issued_token_authenticates_as_its_party_and_role,
    revocation_from_another_connection_applies_to_the_next_lookup,
    other_tokens_of_the_party_survive_a_revocation,
    the_token_is_not_stored_in_clear,
);

fn parties_are_added_listed_and_duplicates_refused(at: &Location) {
    let mut directory = Directory::open_at(at).unwrap();
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

fn a_second_coordinator_is_refused(at: &Location) {
    let mut directory = Directory::open_at(at).unwrap();
    directory.add_party("unocha", true).unwrap();
    let err = directory.add_party("nato", true).unwrap_err();
    assert_eq!(
        err.to_string(),
        "party `unocha` is already the coordinator; there can be only one"
    );
    assert_eq!(directory.parties().unwrap().len(), 1);
}

fn bad_party_names_are_refused(at: &Location) {
    let mut directory = Directory::open_at(at).unwrap();
    for bad in ["NATO", "", "1st", "a/b", &"n".repeat(33)] {
        let err = directory.add_party(bad, false).unwrap_err();
        assert!(
            matches!(err, StoreError::InvalidPartyName(_)),
            "{bad}: {err}"
        );
    }
    assert!(directory.parties().unwrap().is_empty());
}

fn approver_is_only_for_the_coordinator(at: &Location) {
    let mut directory = Directory::open_at(at).unwrap();
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

fn a_token_for_an_unknown_party_is_refused(at: &Location) {
    let mut directory = Directory::open_at(at).unwrap();
    let err = directory.issue_token("ghost", Role::Viewer).unwrap_err();
    assert_eq!(err.to_string(), "party `ghost` does not exist");
}

fn an_issued_token_authenticates_as_its_party_and_role(at: &Location) {
    let mut directory = Directory::open_at(at).unwrap();
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

fn revocation_from_another_connection_applies_to_the_next_lookup(at: &Location) {
    let mut cli = Directory::open_at(at).unwrap();
    cli.add_party("ngo-1", false).unwrap();
    let issued = cli.issue_token("ngo-1", Role::Viewer).unwrap();
    // The "server": its own connection, opened before the revocation and kept open.
    let server = Directory::open_at(at).unwrap();
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

fn other_tokens_of_the_party_survive_a_revocation(at: &Location) {
    let mut directory = Directory::open_at(at).unwrap();
    directory.add_party("ngo-1", false).unwrap();
    let lost = directory.issue_token("ngo-1", Role::Operator).unwrap();
    let kept = directory.issue_token("ngo-1", Role::Operator).unwrap();
    directory.revoke(&lost.credential.id).unwrap();
    assert!(directory.authenticate(&kept.token).unwrap().is_some());
}

fn the_token_is_not_stored_in_clear(at: &Location) {
    let mut directory = Directory::open_at(at).unwrap();
    directory.add_party("ngo-1", false).unwrap();
    let issued = directory.issue_token("ngo-1", Role::Auditor).unwrap();
    let secret = issued.token[TOKEN_PREFIX.len()..].to_owned();
    let raw: Vec<u8> = (0..secret.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&secret[i..i + 2], 16).unwrap())
        .collect();
    drop(directory);
    match at {
        Location::Sqlite(dir) => assert_not_in_files(dir, &secret, &raw),
        Location::Postgres(url) => assert_not_in_rows(url, &secret),
    }
    let listed = format!(
        "{:?}",
        Directory::open_at(at).unwrap().credentials().unwrap()
    );
    assert!(!listed.contains(&secret));
}

fn assert_not_in_files(dir: &std::path::Path, secret: &str, raw: &[u8]) {
    // The WAL may still hold the page if it was not checkpointed; look in every file.
    let path = db_path(dir);
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
}

/// Every row of every table of the database, as text (`bytea` shows as hex, the token's own
/// spelling), holds no trace of the secret.
fn assert_not_in_rows(url: &str, secret: &str) {
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let tables: Vec<String> = client
        .query(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert!(tables.iter().any(|t| t == "credentials"), "{tables:?}");
    for table in tables {
        for row in client
            .query(&format!("SELECT t::text FROM {table} t"), &[])
            .unwrap()
        {
            let text: String = row.get(0);
            assert!(!text.contains(secret), "{table} holds the token: {text}");
        }
    }
}
