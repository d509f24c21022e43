//! ES modules from files: resolution of `./`, `../`, `/` and `file:`
//! specifiers (no extension guessing, as in Deno), reading, TypeScript
//! stripping, compiling, linking, `import.meta` and dynamic `import()`.
//!
//! Every compiled module is recorded in the isolate's [`ModuleMap`] with its
//! path, which is how V8's resolve callback (which only gets the referrer
//! module) finds the directory relative imports start from.

use std::collections::{HashMap, HashSet};
use std::num::NonZeroI32;
use std::path::{Path, PathBuf};

use super::errors::Fatal;
use super::transpile;
use super::url;

struct Entry {
    hash: NonZeroI32,
    module: v8::Global<v8::Module>,
    path: PathBuf,
    url: String,
}

/// The modules compiled so far (an isolate slot).
#[derive(Default)]
pub struct ModuleMap {
    entries: Vec<Entry>,
    main: Option<PathBuf>,
}

impl ModuleMap {
    fn by_path(&self, path: &Path) -> Option<&Entry> {
        self.entries.iter().find(|e| e.path == path)
    }
}

/// The position maps of the transpiled modules, by URL (an isolate slot,
/// read by stack trace formatting).
#[derive(Default)]
pub struct SourceMaps(pub HashMap<String, transpile::PositionMap>);

/// Why loading failed: a message for the user or a JS exception (syntax errors).
pub enum LoadError {
    Message(String),
    /// The exception and where it was thrown.
    Exception(v8::Global<v8::Value>, Option<String>),
}

impl LoadError {
    pub fn into_fatal(self) -> Fatal {
        match self {
            LoadError::Message(m) => Fatal::Message(m),
            LoadError::Exception(value, location) => Fatal::Exception {
                value,
                in_promise: false,
                location,
            },
        }
    }

    /// As a JS value, to reject a dynamic import with.
    fn into_value<'s>(self, scope: &mut v8::HandleScope<'s>) -> v8::Local<'s, v8::Value> {
        match self {
            LoadError::Message(m) => {
                let msg = v8::String::new(scope, &m).unwrap_or_else(|| v8::String::empty(scope));
                v8::Exception::type_error(scope, msg)
            }
            LoadError::Exception(value, _) => v8::Local::new(scope, value),
        }
    }
}

/// The absolute path of the main module, which must exist.
pub fn main_path(file: &Path) -> Result<PathBuf, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot get the current directory: {e}"))?;
    let path = url::normalize(&cwd.join(file));
    if !path.is_file() {
        return Err(format!("Module not found \"{}\".", url::from_path(&path)));
    }
    Ok(path)
}

/// Loads the graph of `main` (which becomes `import.meta.main`), links it,
/// and starts evaluating it; returns the evaluation promise.
pub fn run_main<'s>(
    scope: &mut v8::HandleScope<'s>,
    main: &Path,
) -> Result<v8::Local<'s, v8::Promise>, Fatal> {
    if let Some(map) = scope.get_slot_mut::<ModuleMap>() {
        map.main = Some(main.to_path_buf());
    }
    let tc = &mut v8::TryCatch::new(scope);
    let module = load_graph(tc, main).map_err(LoadError::into_fatal)?;
    if module.instantiate_module(tc, resolve_callback) != Some(true) {
        return Err(Fatal::caught(tc));
    }
    let Some(result) = module.evaluate(tc) else {
        return Err(Fatal::caught(tc));
    };
    let promise = v8::Local::<v8::Promise>::try_from(result)
        .map_err(|_| Fatal::Message("module evaluation did not return a promise".into()))?;
    Ok(promise)
}

/// Where `specifier` (imported by the module at `referrer`) points.
fn resolve(specifier: &str, referrer: &Path) -> Result<PathBuf, String> {
    if specifier.starts_with("./") || specifier.starts_with("../") || specifier.starts_with('/') {
        let base = referrer.parent().unwrap_or(Path::new("/"));
        let target = specifier.split(['?', '#']).next().unwrap_or(specifier);
        return Ok(url::normalize(&base.join(url::percent_decode(target))));
    }
    if specifier.starts_with("file:") {
        return url::to_path(specifier)
            .map(|p| url::normalize(&p))
            .ok_or_else(|| format!("Invalid file URL \"{specifier}\""));
    }
    if let Some((scheme, _)) = specifier.split_once(':') {
        if !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        {
            return Err(format!(
                "Unsupported scheme \"{scheme}\" for module \"{specifier}\". Supported schemes: file"
            ));
        }
    }
    Err(format!(
        "Relative import path \"{specifier}\" not prefixed with / or ./ or ../"
    ))
}

/// Compiles the module at `path` and everything it imports (statically),
/// reusing modules compiled before.
fn load_graph<'s>(
    scope: &mut v8::HandleScope<'s>,
    root: &Path,
) -> Result<v8::Local<'s, v8::Module>, LoadError> {
    let root_module = compile(scope, root, None)?;
    let mut seen = HashSet::from([root.to_path_buf()]);
    let mut stack = vec![(root_module, root.to_path_buf())];
    while let Some((module, path)) = stack.pop() {
        let requests = module.get_module_requests();
        for i in 0..requests.length() {
            let Some(request) = requests
                .get(scope, i)
                .and_then(|d| v8::Local::<v8::ModuleRequest>::try_from(d).ok())
            else {
                continue;
            };
            let specifier = request.get_specifier().to_rust_string_lossy(scope);
            let referrer_url = url::from_path(&path);
            if request.get_import_attributes().length() > 0 {
                return Err(LoadError::Message(format!(
                    "Import attributes are not supported (importing \"{specifier}\" from \"{referrer_url}\")"
                )));
            }
            let target = resolve(&specifier, &path)
                .map_err(|m| LoadError::Message(format!("{m}\n    at {referrer_url}")))?;
            if seen.insert(target.clone()) {
                let child = compile(scope, &target, Some(&referrer_url))?;
                stack.push((child, target));
            }
        }
    }
    Ok(root_module)
}

/// The module at `path`, compiled now unless it already was.
fn compile<'s>(
    scope: &mut v8::HandleScope<'s>,
    path: &Path,
    importer: Option<&str>,
) -> Result<v8::Local<'s, v8::Module>, LoadError> {
    let existing = scope
        .get_slot::<ModuleMap>()
        .and_then(|m| m.by_path(path))
        .map(|e| e.module.clone());
    if let Some(module) = existing {
        return Ok(v8::Local::new(scope, module));
    }
    let module_url = url::from_path(path);
    let source = std::fs::read_to_string(path).map_err(|e| {
        let msg = if e.kind() == std::io::ErrorKind::NotFound {
            format!("Module not found \"{module_url}\".")
        } else {
            format!("Cannot read module \"{module_url}\": {e}")
        };
        LoadError::Message(match importer {
            Some(by) => format!("{msg}\n    at {by}"),
            None => msg,
        })
    })?;
    let code = if transpile::is_typescript(path) {
        let (code, positions) =
            transpile::strip_types(path, &module_url, &source).map_err(|m| {
                LoadError::Message(format!("The module's source code could not be parsed: {m}"))
            })?;
        if let Some(maps) = scope.get_slot_mut::<SourceMaps>() {
            maps.0.insert(module_url.clone(), positions);
        }
        code
    } else {
        source
    };
    let tc = &mut v8::TryCatch::new(scope);
    let text = v8::String::new(tc, &code)
        .ok_or_else(|| LoadError::Message(format!("Module \"{module_url}\" is too large")))?;
    let name = v8::String::new(tc, &module_url)
        .ok_or_else(|| LoadError::Message(format!("Module \"{module_url}\" is too large")))?;
    let origin = super::script_origin(tc, name, true);
    let source = v8::script_compiler::Source::new(text, Some(&origin));
    let Some(module) = v8::script_compiler::compile_module(tc, source) else {
        let location = super::errors::location(tc);
        let exception = tc.exception().unwrap_or_else(|| v8::undefined(tc).into());
        return Err(LoadError::Exception(
            v8::Global::new(tc, exception),
            location,
        ));
    };
    let entry = Entry {
        hash: module.get_identity_hash(),
        module: v8::Global::new(tc, module),
        path: path.to_path_buf(),
        url: module_url,
    };
    if let Some(map) = tc.get_slot_mut::<ModuleMap>() {
        map.entries.push(entry);
    }
    Ok(module)
}

/// The module `specifier` names, imported by `referrer` (compiled already by
/// [`load_graph`]).
fn find_import(
    scope: &mut v8::HandleScope,
    specifier: &str,
    referrer: v8::Local<v8::Module>,
) -> Result<v8::Global<v8::Module>, String> {
    let map = scope
        .get_slot::<ModuleMap>()
        .ok_or("the module map is gone")?;
    // The slot borrow and the handle scope are both needed: look the
    // referrer up by identity hash first, then confirm with handles.
    let candidates: Vec<(v8::Global<v8::Module>, PathBuf)> = map
        .entries
        .iter()
        .filter(|e| e.hash == referrer.get_identity_hash())
        .map(|e| (e.module.clone(), e.path.clone()))
        .collect();
    let referrer_path = candidates
        .into_iter()
        .find(|(m, _)| v8::Local::new(scope, m) == referrer)
        .map(|(_, p)| p)
        .ok_or("the importing module is unknown")?;
    let target = resolve(specifier, &referrer_path)?;
    scope
        .get_slot::<ModuleMap>()
        .and_then(|m| m.by_path(&target))
        .map(|e| e.module.clone())
        .ok_or_else(|| format!("Module not found \"{}\".", url::from_path(&target)))
}

fn resolve_callback<'a>(
    context: v8::Local<'a, v8::Context>,
    specifier: v8::Local<'a, v8::String>,
    _attributes: v8::Local<'a, v8::FixedArray>,
    referrer: v8::Local<'a, v8::Module>,
) -> Option<v8::Local<'a, v8::Module>> {
    // SAFETY: V8 calls the resolve callback synchronously on the isolate's
    // thread from `instantiate_module`, with `context` current.
    let scope = &mut unsafe { v8::CallbackScope::new(context) };
    let specifier = specifier.to_rust_string_lossy(scope);
    match find_import(scope, &specifier, referrer) {
        Ok(module) => Some(v8::Local::new(scope, module)),
        Err(msg) => {
            let msg = v8::String::new(scope, &msg).unwrap_or_else(|| v8::String::empty(scope));
            let exception = v8::Exception::type_error(scope, msg);
            scope.throw_exception(exception);
            None
        }
    }
}

/// `import.meta.url`, `.main`, `.filename`, `.dirname`, `.resolve()`.
pub extern "C" fn import_meta(
    context: v8::Local<v8::Context>,
    module: v8::Local<v8::Module>,
    meta: v8::Local<v8::Object>,
) {
    // SAFETY: V8 calls this on the isolate's thread, with `context` current,
    // the first time a module reads `import.meta`.
    let scope = &mut unsafe { v8::CallbackScope::new(context) };
    let Some(map) = scope.get_slot::<ModuleMap>() else {
        return;
    };
    let main = map.main.clone();
    let hash = module.get_identity_hash();
    let candidates: Vec<_> = map
        .entries
        .iter()
        .filter(|e| e.hash == hash)
        .map(|e| (e.module.clone(), e.path.clone(), e.url.clone()))
        .collect();
    let Some((_, path, module_url)) = candidates
        .into_iter()
        .find(|(m, _, _)| v8::Local::new(scope, m) == module)
    else {
        return;
    };
    let dirname = path
        .parent()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    let strings = [
        ("url", module_url.clone()),
        ("filename", path.to_string_lossy().into_owned()),
        ("dirname", dirname),
    ];
    for (key, value) in strings {
        set(scope, meta, key, |s| {
            v8::String::new(s, &value).map(Into::into)
        });
    }
    let is_main = main.as_deref() == Some(path.as_path());
    set(scope, meta, "main", |s| {
        Some(v8::Boolean::new(s, is_main).into())
    });
    let resolve_fn = v8::String::new(scope, &module_url).and_then(|data| {
        v8::Function::builder(meta_resolve)
            .data(data.into())
            .build(scope)
    });
    if let Some(f) = resolve_fn {
        let key = v8::String::new(scope, "resolve").unwrap_or_else(|| v8::String::empty(scope));
        meta.set(scope, key.into(), f.into());
    }
}

fn set<'s>(
    scope: &mut v8::HandleScope<'s>,
    obj: v8::Local<v8::Object>,
    key: &str,
    value: impl FnOnce(&mut v8::HandleScope<'s>) -> Option<v8::Local<'s, v8::Value>>,
) {
    if let (Some(k), Some(v)) = (v8::String::new(scope, key), value(scope)) {
        obj.set(scope, k.into(), v);
    }
}

/// `import.meta.resolve(specifier)`: the URL the specifier would load.
fn meta_resolve(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    mut rv: v8::ReturnValue,
) {
    let base = args.data().to_rust_string_lossy(scope);
    let specifier = args.get(0).to_rust_string_lossy(scope);
    let referrer = url::to_path(&base).unwrap_or_default();
    match resolve(&specifier, &referrer) {
        Ok(path) => {
            if let Some(s) = v8::String::new(scope, &url::from_path(&path)) {
                rv.set(s.into());
            }
        }
        Err(msg) => {
            let msg = v8::String::new(scope, &msg).unwrap_or_else(|| v8::String::empty(scope));
            let exception = v8::Exception::type_error(scope, msg);
            scope.throw_exception(exception);
        }
    }
}

/// The `HostImportModuleDynamicallyCallback`: `import(specifier)`.
pub fn dynamic_import<'s>(
    scope: &mut v8::HandleScope<'s>,
    _host_defined_options: v8::Local<'s, v8::Data>,
    resource_name: v8::Local<'s, v8::Value>,
    specifier: v8::Local<'s, v8::String>,
    _attributes: v8::Local<'s, v8::FixedArray>,
) -> Option<v8::Local<'s, v8::Promise>> {
    let resolver = v8::PromiseResolver::new(scope)?;
    let promise = resolver.get_promise(scope);
    let specifier = specifier.to_rust_string_lossy(scope);
    let referrer_url = resource_name.to_rust_string_lossy(scope);
    // Code that is not a file module (e.g. eval'd) imports relative to the
    // current directory.
    let referrer = url::to_path(&referrer_url).unwrap_or_else(|| {
        std::env::current_dir()
            .unwrap_or_default()
            .join("__anonymous__")
    });
    match import(scope, &specifier, &referrer) {
        Ok(value) => resolver.resolve(scope, value),
        Err(e) => {
            let value = e.into_value(scope);
            resolver.reject(scope, value)
        }
    };
    Some(promise)
}

/// Loads, links and evaluates `specifier`; the value is a promise of its
/// namespace object.
fn import<'s>(
    scope: &mut v8::HandleScope<'s>,
    specifier: &str,
    referrer: &Path,
) -> Result<v8::Local<'s, v8::Value>, LoadError> {
    let path = resolve(specifier, referrer).map_err(LoadError::Message)?;
    let tc = &mut v8::TryCatch::new(scope);
    let caught = |tc: &mut v8::TryCatch<v8::HandleScope>| {
        let location = super::errors::location(tc);
        let e = tc.exception().unwrap_or_else(|| v8::undefined(tc).into());
        LoadError::Exception(v8::Global::new(tc, e), location)
    };
    let module = load_graph(tc, &path)?;
    if module.instantiate_module(tc, resolve_callback) != Some(true) {
        return Err(caught(tc));
    }
    let Some(evaluated) = module.evaluate(tc) else {
        return Err(caught(tc));
    };
    let namespace = v8::Local::new(tc, module.get_module_namespace());
    let chained = match v8::Local::<v8::Promise>::try_from(evaluated) {
        Ok(p) => {
            let Some(give_namespace) = v8::Function::builder(
                |_: &mut v8::HandleScope,
                 args: v8::FunctionCallbackArguments,
                 mut rv: v8::ReturnValue| { rv.set(args.data()) },
            )
            .data(namespace)
            .build(tc) else {
                return Err(caught(tc));
            };
            match p.then(tc, give_namespace) {
                Some(chained) => chained.into(),
                None => return Err(caught(tc)),
            }
        }
        Err(_) => namespace,
    };
    Ok(chained)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_like_deno() {
        let r = Path::new("/a/b/main.ts");
        assert_eq!(resolve("./x.ts", r).unwrap(), Path::new("/a/b/x.ts"));
        assert_eq!(resolve("../x.js", r).unwrap(), Path::new("/a/x.js"));
        assert_eq!(resolve("/y/z.js", r).unwrap(), Path::new("/y/z.js"));
        assert_eq!(resolve("./a%20b.js", r).unwrap(), Path::new("/a/b/a b.js"));
        assert_eq!(resolve("file:///q/r.js", r).unwrap(), Path::new("/q/r.js"));
        assert_eq!(
            resolve("lodash", r).unwrap_err(),
            "Relative import path \"lodash\" not prefixed with / or ./ or ../"
        );
        assert!(resolve("npm:lodash", r)
            .unwrap_err()
            .starts_with("Unsupported scheme \"npm\""));
    }
}
