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
        self.resolve(path).map(|_| ())
    }

    /// The file `dlopen(path)` must load: `Ok(path)` unchanged with
    /// `--allow-ffi` (bare names are then searched by the system loader, as
    /// in Deno); with `--allow-ffi=PATHS`, the absolute, symlink-resolved
    /// path that was checked, so that what is loaded is exactly what was
    /// allowed (never a bare name the loader would look up elsewhere).
    /// `Err` is the message of the PermissionDenied error.
    pub fn resolve(&self, path: &Path) -> Result<PathBuf, String> {
        let denied = || {
            format!(
                "Requires ffi access to \"{}\", run again with the --allow-ffi flag",
                path.display()
            )
        };
        match self {
            FfiPermissions::Denied => Err(denied()),
            FfiPermissions::All => Ok(path.to_path_buf()),
            FfiPermissions::Paths(roots) => {
                let resolved = normalize(path);
                // A path that could not be resolved keeps its `..`: never
                // compare those lexically (`/allowed/../etc` is not below
                // `/allowed`).
                let unresolved = resolved
                    .components()
                    .any(|c| matches!(c, std::path::Component::ParentDir));
                if !unresolved
                    && roots
                        .iter()
                        .any(|root| resolved.starts_with(normalize(root)))
                {
                    Ok(resolved)
                } else {
                    Err(denied())
                }
            }
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
