//! The web console of deconflict, embedded: every file `web/` builds to,
//! as bytes in the binary, found by path.
//!
//! `build.rs` runs the npm build (see `web/build.mjs`) into `OUT_DIR` at
//! compile time, so the binary serves the console with nothing to fetch at
//! run time and nothing to install beside it. Without Node.js at compile
//! time, or when npm could not install the console's packages, the console
//! is one page saying how to build it ([`BUILT`] is false). This crate knows
//! no HTTP server: `deconflict-server` maps [`asset`] to routes.

/// One file of the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asset {
    pub bytes: &'static [u8],
    /// The `Content-Type` to serve it with.
    pub content_type: &'static str,
    /// Whether its name carries a hash of its content, so that a client may
    /// cache it for good; `index.html`, which names the others, does not.
    pub immutable: bool,
}

/// The page the console starts from.
pub const INDEX: &str = "index.html";

/// Whether the console was built; without Node.js or the console's npm
/// packages at build time it is one page that says so.
pub const BUILT: bool = include!(concat!(env!("OUT_DIR"), "/built.rs"));

/// `(path, bytes, content type, immutable)` of every file built.
const ASSETS: &[(&str, &[u8], &str, bool)] = include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// The file at `path` (relative, no leading `/`: `index.html`,
/// `assets/app-4F2A.js`), if the console has one.
pub fn asset(path: &str) -> Option<Asset> {
    ASSETS
        .iter()
        .find(|(p, ..)| *p == path)
        .map(|&(_, bytes, content_type, immutable)| Asset {
            bytes,
            content_type,
            immutable,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_names_only_assets_that_exist() {
        if !BUILT {
            panic!("the console was not built: see the warning cargo printed building this crate");
        }
        let index = asset(INDEX).expect("index.html is built");
        assert!(!index.immutable);
        assert_eq!(index.content_type, "text/html; charset=utf-8");
        let page = std::str::from_utf8(index.bytes).expect("utf-8");
        let named: Vec<&str> = page
            .split('"')
            .filter(|s| s.starts_with("/assets/"))
            .collect();
        assert_eq!(named.len(), 2, "one script, one stylesheet: {page}");
        for path in named {
            let found = asset(&path[1..]).unwrap_or_else(|| panic!("{path} is not built"));
            assert!(found.immutable, "{path} has a hashed name");
        }
    }
}
