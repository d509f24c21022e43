//! Declaration-parsing fuzz: random and mutated JSON declarations through
//! `parse_symbols`. Each must not panic, must be accepted exactly when an
//! independent model of the spec's declaration rules accepts it, and an
//! accepted one must have the C layout the model computes (sizes,
//! alignments and offsets written here, not taken from `StructType`).
//!
//! `HOTCALL_FUZZ_CASES` (default 10000) and `HOTCALL_FUZZ_SEED` choose the
//! run; a failure prints the seed and the declaration.

use std::panic::{catch_unwind, AssertUnwindSafe};

use hotcall_abi::{parse_symbols, ForeignSymbol, NativeType};
use serde_json::{json, Map, Value};

struct Rng(u64);

impl Rng {
    /// splitmix64
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// (name, size) of every scalar; `void` is separate.
const SCALARS: &[(&str, usize)] = &[
    ("bool", 1),
    ("u8", 1),
    ("i8", 1),
    ("u16", 2),
    ("i16", 2),
    ("u32", 4),
    ("i32", 4),
    ("u64", 8),
    ("i64", 8),
    ("usize", 8),
    ("isize", 8),
    ("f32", 4),
    ("f64", 8),
    ("pointer", 8),
    ("buffer", 8),
    ("function", 8),
];

const JUNK_NAMES: &[&str] = &["int", "U8", "", "u128", "char*", " u8", "struct", "void*"];

fn random_type(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(40) {
        0 => json!("void"),
        1 => json!(rng.pick(JUNK_NAMES)),
        2 => rng
            .pick(&[json!(null), json!(3), json!(true), json!([]), json!({})])
            .clone(),
        3..=5 if depth < 6 => {
            let n = rng.pick(&[0usize, 1, 1, 2, 3, 4, 7]).to_owned();
            let fields: Vec<Value> = (0..n).map(|_| random_type(rng, depth + 1)).collect();
            if rng.below(30) == 0 {
                json!({"struct": fields, "packed": true})
            } else {
                json!({ "struct": fields })
            }
        }
        6 if rng.below(4) == 0 => {
            // Around the depth limit (63).
            let depth = 60 + rng.below(6) as usize;
            let mut v = json!({"struct": [rng.pick(SCALARS).0]});
            for _ in 1..depth {
                v = json!({ "struct": [v] });
            }
            v
        }
        7 if rng.below(4) == 0 => {
            // Around the field limit (1023).
            let n = 1020 + rng.below(6) as usize;
            json!({ "struct": vec![rng.pick(SCALARS).0; n] })
        }
        _ => json!(rng.pick(SCALARS).0),
    }
}

fn random_flag(rng: &mut Rng) -> Option<Value> {
    match rng.below(10) {
        0..=5 => None,
        6 => Some(json!(true)),
        7 => Some(json!(false)),
        8 => Some(json!(null)),
        _ if rng.below(3) == 0 => Some(rng.pick(&[json!(1), json!("yes"), json!([])]).clone()),
        _ => None,
    }
}

fn random_decl(rng: &mut Rng) -> Value {
    let mut obj = Map::new();
    if rng.below(5) == 0 {
        let name = rng.pick(&[json!("c_name"), json!(7), json!(null)]).clone();
        obj.insert("name".into(), name);
    }
    if rng.below(5) == 0 {
        obj.insert("type".into(), random_type(rng, 1));
        if rng.below(8) == 0 {
            obj.insert("parameters".into(), json!([]));
        }
    } else {
        let n = match rng.below(12) {
            0 => 250 + rng.below(10) as usize, // around the limit (255)
            _ => rng.below(6) as usize,
        };
        let params: Vec<Value> = (0..n)
            .map(|_| {
                if n > 20 {
                    json!(rng.pick(SCALARS).0)
                } else {
                    random_type(rng, 1)
                }
            })
            .collect();
        match rng.below(20) {
            0 => {}
            1 => {
                obj.insert("parameters".into(), json!("i32"));
            }
            _ => {
                obj.insert("parameters".into(), Value::Array(params));
            }
        }
        if rng.below(20) != 0 {
            obj.insert("result".into(), random_type(rng, 1));
        }
    }
    for flag in ["nonblocking", "callback", "optional"] {
        if let Some(v) = random_flag(rng) {
            obj.insert(flag.into(), v);
        }
    }
    if rng.below(30) == 0 {
        return rng.pick(&[json!("i32"), json!(null), json!([1])]).clone();
    }
    Value::Object(obj)
}

fn random_symbols(rng: &mut Rng) -> Value {
    if rng.below(50) == 0 {
        return json!(["not", "an", "object"]);
    }
    let mut map = Map::new();
    for i in 0..1 + rng.below(3) {
        map.insert(format!("sym{i}"), random_decl(rng));
    }
    Value::Object(map)
}

/// Replaces a random node of `v` by a random type or junk (a mutation of
/// a declaration that may have been valid).
fn mutate(rng: &mut Rng, v: &mut Value) {
    let mut node = v;
    loop {
        let children = match node {
            Value::Object(m) if !m.is_empty() => m.len(),
            Value::Array(a) if !a.is_empty() => a.len(),
            _ => 0,
        };
        if children == 0 || rng.below(3) == 0 {
            break;
        }
        let i = rng.below(children as u64) as usize;
        node = match node {
            Value::Object(m) => m.values_mut().nth(i).unwrap(),
            Value::Array(a) => &mut a[i],
            _ => unreachable!(),
        };
    }
    *node = random_type(rng, 4);
}

// ---- the model ----

/// Size and alignment of a valid value type, or `None` if invalid.
/// `count` counts types against the 4096 budget; `depth` is the struct depth.
fn model_type(v: &Value, depth: usize, count: &mut usize) -> Option<(usize, usize)> {
    match v {
        Value::String(s) => SCALARS
            .iter()
            .find(|(n, _)| n == s)
            .map(|&(_, sz)| (sz, sz)),
        Value::Object(m) if m.len() == 1 => {
            let Some(Value::Array(fields)) = m.get("struct") else {
                return None;
            };
            if depth > 63 || fields.is_empty() || fields.len() > 1023 {
                return None;
            }
            let (mut off, mut align) = (0usize, 1usize);
            for f in fields {
                *count += 1;
                let (s, a) = model_type(f, depth + 1, count)?;
                off = off.div_ceil(a) * a + s;
                align = align.max(a);
            }
            Some((off.div_ceil(align) * align, align))
        }
        _ => None,
    }
}

fn model_flag(v: Option<&Value>) -> bool {
    matches!(v, None | Some(Value::Null) | Some(Value::Bool(_)))
}

/// Whether the model accepts one declaration.
fn model_decl(d: &Value) -> bool {
    let Value::Object(o) = d else { return false };
    if !matches!(o.get("name"), None | Some(Value::String(_))) || !model_flag(o.get("optional")) {
        return false;
    }
    let mut count = 1;
    if let Some(t) = o.get("type") {
        return !o.contains_key("parameters")
            && model_type(t, 1, &mut count).is_some()
            && count <= 4096;
    }
    let Some(Value::Array(params)) = o.get("parameters") else {
        return false;
    };
    if params.len() > 255 {
        return false;
    }
    let Some(result) = o.get("result") else {
        return false;
    };
    count = params.len() + 1;
    let params_ok = params
        .iter()
        .all(|p| model_type(p, 1, &mut count).is_some());
    let result_ok = result == "void" || model_type(result, 1, &mut count).is_some();
    params_ok
        && result_ok
        && count <= 4096
        && model_flag(o.get("nonblocking"))
        && model_flag(o.get("callback"))
}

/// Checks an accepted type against the model's layout (recursively).
fn same_layout(ty: &NativeType, v: &Value) -> Result<(), String> {
    let (size, align) = model_type(v, 1, &mut 0).ok_or("model rejects an accepted type")?;
    if ty.size() != size || ty.align() != align {
        return Err(format!(
            "{ty}: size/align {}/{}, model {size}/{align}",
            ty.size(),
            ty.align()
        ));
    }
    if let (Some(st), Value::Object(m)) = (ty.as_struct(), v) {
        let fields = m["struct"].as_array().unwrap();
        let mut off = 0usize;
        for (i, (f, fv)) in st.fields().iter().zip(fields).enumerate() {
            let (s, a) = model_type(fv, 2, &mut 0).unwrap();
            off = off.div_ceil(a) * a;
            if st.offsets()[i] != off {
                return Err(format!(
                    "{ty}: field {i} at {}, model {off}",
                    st.offsets()[i]
                ));
            }
            off += s;
            same_layout(f, fv)?;
        }
    }
    Ok(())
}

fn check(symbols: &Value) -> Result<bool, String> {
    let parsed = catch_unwind(AssertUnwindSafe(|| parse_symbols(symbols)))
        .map_err(|_| "parse_symbols panicked".to_string())?;
    let model_ok = match symbols {
        Value::Object(m) => m.values().all(model_decl),
        _ => false,
    };
    match parsed {
        Err(e) => {
            let msg = e.to_string();
            if model_ok {
                return Err(format!("rejected, the model accepts: {msg}"));
            }
            if !msg.starts_with("Invalid FFI declaration") {
                return Err(format!("unclear message: {msg}"));
            }
            Ok(false)
        }
        Ok(list) => {
            if !model_ok {
                return Err("accepted, the model rejects".into());
            }
            let decls = symbols.as_object().unwrap();
            for ((key, sym), (jkey, decl)) in list.iter().zip(decls) {
                if key != jkey {
                    return Err(format!("order: {key} vs {jkey}"));
                }
                match sym {
                    ForeignSymbol::Static(s) => same_layout(&s.ty, &decl["type"])?,
                    ForeignSymbol::Function(f) => {
                        let params = decl["parameters"].as_array().unwrap();
                        if f.signature.params.len() != params.len() {
                            return Err("parameter count".into());
                        }
                        for (p, pv) in f.signature.params.iter().zip(params) {
                            same_layout(p, pv)?;
                        }
                        if decl["result"] != "void" {
                            same_layout(&f.signature.result, &decl["result"])?;
                        } else if f.signature.result != NativeType::Void {
                            return Err("void result".into());
                        }
                        let flag = |k: &str| decl.get(k) == Some(&json!(true));
                        if f.nonblocking != flag("nonblocking")
                            || f.callback != flag("callback")
                            || f.optional != flag("optional")
                        {
                            return Err("flags".into());
                        }
                    }
                }
            }
            Ok(true)
        }
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

#[test]
fn random_and_mutated_declarations_agree_with_the_model() {
    let cases = env_number("HOTCALL_FUZZ_CASES", 10_000);
    let seed = env_number("HOTCALL_FUZZ_SEED", 0x6465_636c);
    let mut rng = Rng(seed);
    let (mut accepted, mut rejected) = (0u64, 0u64);
    let mut failures = Vec::new();
    for case in 0..cases {
        let mut symbols = random_symbols(&mut rng);
        if case % 2 == 1 {
            mutate(&mut rng, &mut symbols);
        }
        match check(&symbols) {
            Ok(true) => accepted += 1,
            Ok(false) => rejected += 1,
            Err(e) => {
                let text = symbols.to_string();
                let short: String = text.chars().take(400).collect();
                failures.push(format!("case {case}: {e}\n  {short}"));
            }
        }
    }
    eprintln!("declaration fuzz (seed {seed:#x}): {cases} cases, {accepted} accepted, {rejected} rejected, {} failures", failures.len());
    assert!(
        failures.is_empty(),
        "{} of {cases} failed (seed {seed:#x}):\n{}",
        failures.len(),
        failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        accepted > cases / 10 && rejected > cases / 10,
        "{accepted} accepted, {rejected} rejected"
    );
}
