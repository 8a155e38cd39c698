//! `deconflict import`: an agency's no-strike list of 2,500 sites into the
//! demo in batches; again, importing nothing twice; a list with a bad row
//! stops at its batch and names the row.

use crate::demo::{demo, token};
use crate::{Server, bin};
use std::fmt::Write as _;

/// OCHA's template: a row a site, spread over the Jazira desert where the
/// demo has nobody.
fn no_strike_list(rows: usize, bad: Option<usize>) -> String {
    let mut csv = String::from("Name,Type,Latitude,Longitude,Governorate\n");
    for i in 0..rows {
        let lat = if Some(i) == bad {
            95.0
        } else {
            35.0 + (i / 50) as f64 * 0.01
        };
        let lon = 41.0 + (i % 50) as f64 * 0.01;
        writeln!(csv, "Site {i},Health facility,{lat},{lon},Ninewa").unwrap();
    }
    csv
}

fn ocha_sites(server: &Server, token: &str) -> usize {
    let mut count = 0;
    let mut after = String::new();
    loop {
        let path = format!("/v1/declarations?limit=1000{after}");
        let (status, body) = server.call("GET", &path, Some(token), None);
        assert_eq!(status, 200, "{body}");
        let page: serde_json::Value = serde_json::from_str(&body).unwrap();
        count += page["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["owner"] == "ocha")
            .count();
        match page["next_after"].as_str() {
            Some(next) => after = format!("&after={next}"),
            None => return count,
        }
    }
}

fn import(server: &Server, token: &str, file: &std::path::Path) -> std::process::Output {
    bin()
        .args([
            "import",
            file.to_str().unwrap(),
            "--batch",
            "1000",
            "--visibility",
            "public",
        ])
        .args(["--buffer-m", "50"])
        .env("DECONFLICT_URL", format!("http://{}", server.addr))
        .env("DECONFLICT_TOKEN", token)
        .output()
        .unwrap()
}

#[test]
fn a_long_list_goes_in_batches_once_and_a_bad_row_is_named() {
    let server = demo(&[]);
    let operator = token(&server.banner, "ocha", "operator");
    let viewer = token(&server.banner, "ocha", "viewer");
    let before = ocha_sites(&server, &viewer);
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("nsl.csv");
    std::fs::write(&list, no_strike_list(2_500, None)).unwrap();

    let first = import(&server, &operator, &list);
    let said = String::from_utf8_lossy(&first.stdout);
    assert!(
        first.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(
        said.contains("2500 sites imported, 0 imported before"),
        "{said}"
    );
    assert!(said.contains("in 3 requests"), "{said}");
    assert_eq!(ocha_sites(&server, &viewer), before + 2_500);

    let again = import(&server, &operator, &list);
    let said = String::from_utf8_lossy(&again.stdout);
    assert!(
        said.contains("0 sites imported, 2500 imported before"),
        "{said}"
    );
    assert_eq!(ocha_sites(&server, &viewer), before + 2_500);

    let broken = dir.path().join("broken.csv");
    std::fs::write(
        &broken,
        no_strike_list(2_500, Some(1_500)).replace("Site ", "Other site "),
    )
    .unwrap();
    let refused = import(&server, &operator, &broken);
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(
        said.contains("site 1500:") && said.contains("latitude 95"),
        "{said}"
    );
    assert!(said.contains("sites 1000 to 1999"), "{said}");
    assert_eq!(
        ocha_sites(&server, &viewer),
        before + 3_500,
        "the first batch of the broken list only"
    );
}
