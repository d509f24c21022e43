//! Which libraries `Deno.dlopen` may open (`--allow-ffi[=paths]`).

use std::path::{Path, PathBuf};

/// The `--allow-ffi` permission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FfiPermissions {
    /// No `--allow-ffi`: every `dlopen` throws `Deno.errors.PermissionDenied`.
    Denied,
    /// `--allow-ffi`: everything.
    All,
    /// `--allow-ffi=a,b`: these files, or anything below these directories.
    Paths(Vec<PathBuf>),
}

impl FfiPermissions {
    /// `Ok` if `path` may be opened, else the message of the PermissionDenied error.
    pub fn check(&self, path: &Path) -> Result<(), String> {
        let allowed = match self {
            FfiPermissions::Denied => false,
            FfiPermissions::All => true,
            FfiPermissions::Paths(roots) => {
                let path = normalize(path);
                roots.iter().any(|root| path.starts_with(normalize(root)))
            }
        };
        if allowed {
            Ok(())
        } else {
            Err(format!(
                "Requires ffi access to \"{}\", run again with the --allow-ffi flag",
                path.display()
            ))
        }
    }
}

fn normalize(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    absolute.canonicalize().unwrap_or(absolute)
}
