//! `file://` URLs, the names of modules (as in Deno: stack traces and
//! `import.meta.url` show `file:///abs/path.js`).

use std::path::{Component, Path, PathBuf};

/// Bytes kept as they are in a URL path; everything else is %-encoded.
fn keep(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b)
}

/// `file:///abs/path` of an absolute path.
pub fn from_path(path: &Path) -> String {
    let mut url = String::from("file://");
    let text = path.to_string_lossy();
    if !text.starts_with('/') {
        url.push('/');
    }
    for &b in text.as_bytes() {
        if keep(b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

/// The path of a `file:` URL (`None` for other schemes or a host name).
pub fn to_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("file://")?;
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    Some(PathBuf::from(percent_decode(rest)))
}

/// Decodes `%XX` escapes (malformed ones are kept as written).
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `.` and `..` removed without touching the file system (symlinks are
/// followed by the OS when the file is read, like Deno's URL resolution).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let p = Path::new("/tmp/a b/ü%.ts");
        let url = from_path(p);
        assert_eq!(url, "file:///tmp/a%20b/%C3%BC%25.ts");
        assert_eq!(to_path(&url).unwrap(), p);
        assert_eq!(to_path("file:///x/y.js?q#h").unwrap(), Path::new("/x/y.js"));
        assert_eq!(to_path("https://x/y.js"), None);
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }

    #[test]
    fn normalizes() {
        assert_eq!(normalize(Path::new("/a/./b/../c.js")), Path::new("/a/c.js"));
        assert_eq!(normalize(Path::new("/../x")), Path::new("/x"));
    }
}
