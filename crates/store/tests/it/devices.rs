//! The device CA and certificates, on both backends.

use deconflict_store::{
    CERTIFICATES_PER_CREDENTIAL, DeviceCa, DeviceCertificate, Devices, Directory, Location, Role,
    StoreError,
};

on_both_backends!(
    the_ca_is_made_once_and_every_opening_gets_it,
    a_certificate_acts_as_its_credential_until_it_is_revoked_or_expires,
    a_credential_holds_a_bounded_number_of_certificates,
);

fn ca(byte: u8) -> DeviceCa {
    DeviceCa {
        cert_der: vec![byte; 300],
        key_pkcs8: vec![byte; 100],
    }
}

fn certificate(n: u8, credential: &str, issued_ms: i64) -> DeviceCertificate {
    DeviceCertificate {
        sha256: [n; 32],
        credential_id: credential.to_owned(),
        subject: format!("device-{n}"),
        client_uid: format!("ANDROID-{n}"),
        issued_ms,
        expires_ms: issued_ms + 1_000_000,
    }
}

fn the_ca_is_made_once_and_every_opening_gets_it(at: &Location) {
    let first = Devices::open_at(at)
        .unwrap()
        .ca_or_insert(|| ca(1), 10)
        .unwrap();
    assert_eq!(first, ca(1));
    // Another node (another connection) with another CA in hand gets the stored one.
    let again = Devices::open_at(at)
        .unwrap()
        .ca_or_insert(|| ca(2), 20)
        .unwrap();
    assert_eq!(again, ca(1));
}

fn a_certificate_acts_as_its_credential_until_it_is_revoked_or_expires(at: &Location) {
    let mut directory = Directory::open_at(at).unwrap();
    directory.add_party("a", false).unwrap();
    directory.add_party("b", true).unwrap();
    let a = directory
        .issue_token("a", Role::Operator)
        .unwrap()
        .credential
        .id;
    let b = directory
        .issue_token("b", Role::Approver)
        .unwrap()
        .credential
        .id;
    let mut devices = Devices::open_at(at).unwrap();
    devices.issued(&certificate(1, &a, 1000)).unwrap();
    devices.issued(&certificate(2, &b, 1000)).unwrap();

    let found = devices.credential(&[1; 32], 2000).unwrap().unwrap();
    assert_eq!((found.id.as_str(), found.party.as_str()), (a.as_str(), "a"));
    assert_eq!(found.role, Role::Operator);
    let theirs = devices.credential(&[2; 32], 2000).unwrap().unwrap();
    assert_eq!((theirs.party.as_str(), theirs.coordinator), ("b", true));
    assert_eq!(
        devices.credential(&[3; 32], 2000).unwrap(),
        None,
        "never issued"
    );
    assert_eq!(
        devices.credential(&[1; 32], 1_001_000).unwrap(),
        None,
        "expired"
    );

    directory.revoke(&a).unwrap();
    assert_eq!(devices.credential(&[1; 32], 2000).unwrap(), None, "revoked");
    assert!(devices.credential(&[2; 32], 2000).unwrap().is_some());
    assert!(matches!(
        devices.issued(&certificate(4, &a, 3000)),
        Err(StoreError::AlreadyRevoked(id)) if id == a
    ));
}

fn a_credential_holds_a_bounded_number_of_certificates(at: &Location) {
    let mut directory = Directory::open_at(at).unwrap();
    directory.add_party("a", false).unwrap();
    let a = directory
        .issue_token("a", Role::Viewer)
        .unwrap()
        .credential
        .id;
    let other = directory
        .issue_token("a", Role::Viewer)
        .unwrap()
        .credential
        .id;
    let mut devices = Devices::open_at(at).unwrap();
    let max = u8::try_from(CERTIFICATES_PER_CREDENTIAL).unwrap();
    for n in 0..max {
        devices.issued(&certificate(n, &a, 1000)).unwrap();
    }
    assert!(matches!(
        devices.issued(&certificate(max, &a, 1000)),
        Err(StoreError::TooManyCertificates { credential, max: m })
            if credential == a && m == CERTIFICATES_PER_CREDENTIAL
    ));
    // Another credential of the same party is not held back.
    devices.issued(&certificate(max + 1, &other, 1000)).unwrap();
    // Expired ones no longer count.
    devices
        .issued(&certificate(max + 2, &a, 2_000_000))
        .unwrap();
}
