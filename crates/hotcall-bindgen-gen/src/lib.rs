//! The generator behind `hotcall bindgen`: builds a `#[bindgen]` cdylib with
//! cargo, reads the metadata records out of the built library and writes a
//! TypeScript module of typed wrappers next to a copy of the library.
//! Formats, encodings and ownership rules: `docs/bindgen.md`.

pub mod meta;
pub mod ts;

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub use meta::{Function, Type};

/// A generator error, with a message for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// What `hotcall bindgen` does.
#[derive(Debug, Clone)]
pub struct Options {
    /// The crate's directory (where cargo runs).
    pub crate_dir: PathBuf,
    /// `cargo build --release`.
    pub release: bool,
    /// The TypeScript module to write; the library is copied next to it.
    pub out: PathBuf,
    /// The cargo to run (`$CARGO`, else `cargo`).
    pub cargo: OsString,
}

/// What was written.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub bindings: PathBuf,
    pub library: PathBuf,
    pub functions: Vec<String>,
}

/// The built cdylib: its file and its crate name.
struct Artifact {
    file: PathBuf,
    name: String,
}

/// Builds the crate, reads its metadata and writes the bindings.
pub fn run(opts: &Options) -> Result<Outcome, Error> {
    let artifact = build(opts)?;
    let bytes = std::fs::read(&artifact.file)
        .map_err(|e| Error(format!("cannot read {}: {e}", artifact.file.display())))?;
    let functions =
        read_library(&bytes).map_err(|e| Error(format!("{}: {e}", artifact.file.display())))?;
    let text = ts::generate(&artifact.name, &functions)?;
    let out = if opts.out.is_absolute() {
        opts.out.clone()
    } else {
        opts.crate_dir.join(&opts.out)
    };
    let dir = out.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .map_err(|e| Error(format!("cannot create {}: {e}", dir.display())))?;
    let library = dir.join(
        artifact
            .file
            .file_name()
            .ok_or_else(|| Error("artifact without a file name".into()))?,
    );
    // Copy through a temporary name so that a library already loaded by a
    // running process is replaced, not overwritten in place.
    let tmp = library.with_extension("tmp");
    std::fs::copy(&artifact.file, &tmp)
        .and_then(|_| std::fs::rename(&tmp, &library))
        .map_err(|e| {
            Error(format!(
                "cannot copy the library to {}: {e}",
                library.display()
            ))
        })?;
    std::fs::write(&out, text)
        .map_err(|e| Error(format!("cannot write {}: {e}", out.display())))?;
    Ok(Outcome {
        bindings: out,
        library,
        functions: functions.into_iter().map(|f| f.name).collect(),
    })
}

/// The `#[bindgen]` functions recorded in a built library file.
pub fn read_library(bytes: &[u8]) -> Result<Vec<Function>, Error> {
    let section = meta::library_section(bytes)?.ok_or_else(|| {
        Error("no hotcall-bindgen metadata: the library has no #[bindgen] functions".into())
    })?;
    let functions = meta::parse_section(section)?;
    if functions.is_empty() {
        return Err(Error("no #[bindgen] functions in the library".into()));
    }
    Ok(functions)
}

/// `cargo build --lib`, returning the cdylib it produced.
fn build(opts: &Options) -> Result<Artifact, Error> {
    // Without this check cargo would look upwards and might build a whole
    // enclosing workspace.
    if !opts.crate_dir.join("Cargo.toml").is_file() {
        return Err(Error(format!(
            "no Cargo.toml in {}: run `hotcall bindgen` in the directory of the crate",
            opts.crate_dir.display()
        )));
    }
    let mut cmd = Command::new(&opts.cargo);
    cmd.args(["build", "--lib", "--message-format=json-render-diagnostics"])
        .current_dir(&opts.crate_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if opts.release {
        cmd.arg("--release");
    }
    let output = cmd.output().map_err(|e| {
        Error(format!(
            "cannot run {}: {e}",
            Path::new(&opts.cargo).display()
        ))
    })?;
    if !output.status.success() {
        return Err(Error(format!(
            "cargo build failed ({}) in {}",
            output.status,
            opts.crate_dir.display()
        )));
    }
    let manifest = opts.crate_dir.join("Cargo.toml").canonicalize().ok();
    let mut found = None;
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if msg["reason"] != "compiler-artifact" {
            continue;
        }
        // Only the crate of this directory (a workspace builds others too).
        let ours = msg["manifest_path"]
            .as_str()
            .and_then(|p| Path::new(p).canonicalize().ok())
            .is_some_and(|p| Some(p) == manifest);
        let target = &msg["target"];
        let is_cdylib = target["crate_types"]
            .as_array()
            .is_some_and(|k| k.iter().any(|k| k == "cdylib"));
        if !ours || !is_cdylib {
            continue;
        }
        let Some(file) = msg["filenames"].as_array().and_then(|files| {
            files
                .iter()
                .filter_map(|f| f.as_str())
                .find(|f| f.ends_with(".so") || f.ends_with(".dylib") || f.ends_with(".dll"))
        }) else {
            continue;
        };
        let name = target["name"]
            .as_str()
            .unwrap_or_default()
            .replace('-', "_");
        found = Some(Artifact {
            file: PathBuf::from(file),
            name,
        });
    }
    found.ok_or_else(|| {
        Error(format!(
            "cargo built no cdylib in {}: add `[lib] crate-type = [\"cdylib\"]` to its Cargo.toml",
            opts.crate_dir.display()
        ))
    })
}
