//! Reading `#[bindgen]` metadata: records, sections, ELF files, and the
//! errors for metadata this generator cannot trust.

use hotcall_abi::NativeType;
use hotcall_bindgen_gen::meta::{self, Type};
use hotcall_bindgen_gen::{read_library, ts};

const MUL: &str = r#"{"v":1,"name":"mul","nonblocking":false,"params":[{"name":"input","type":{"struct":"Input","fields":[{"name":"a","type":"i32"},{"name":"b","type":"i32"}]}}],"result":"i32"}"#;

#[test]
fn a_record_parses_with_its_struct_layout() {
    let f = meta::parse_record(MUL).unwrap();
    assert_eq!(f.name, "mul");
    assert!(!f.nonblocking);
    assert_eq!(f.result, Type::Scalar(NativeType::I32));
    assert_eq!(f.record, MUL);
    let [(pname, Type::Struct(s))] = &f.params[..] else {
        panic!("one struct parameter: {:?}", f.params)
    };
    assert_eq!(pname, "input");
    assert_eq!(s.name, "Input");
    assert_eq!(s.layout.size(), 8);
    assert_eq!(s.layout.offsets(), &[0, 4]);
}

#[test]
fn another_format_version_is_refused() {
    let v2 = MUL.replace(r#""v":1"#, r#""v":2"#);
    let err = meta::parse_record(&v2).unwrap_err().0;
    assert!(err.contains("format version 2"), "{err}");
    assert!(err.contains("reads version 1"), "{err}");
    let none = MUL.replace(r#""v":1,"#, "");
    let err = meta::parse_record(&none).unwrap_err().0;
    assert!(err.contains("format version (none)"), "{err}");
}

#[test]
fn unknown_type_names_are_refused() {
    let bad = MUL.replace(r#""result":"i32""#, r#""result":"i128""#);
    let err = meta::parse_record(&bad).unwrap_err().0;
    assert!(err.contains("unknown type name"), "{err}");
}

#[test]
fn a_section_splits_on_nuls_and_sorts_by_name() {
    let add = r#"{"v":1,"name":"add","nonblocking":true,"params":[],"result":"void"}"#;
    let section = format!("{MUL}\0\0\0{add}\0");
    let fns = meta::parse_section(section.as_bytes()).unwrap();
    let names: Vec<&str> = fns.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["add", "mul"]);
    assert!(fns[0].nonblocking);
    assert_eq!(fns[0].result, Type::Void);

    let twice = format!("{MUL}\0{MUL}\0");
    let err = meta::parse_section(twice.as_bytes()).unwrap_err().0;
    assert_eq!(err, "two #[bindgen] functions are named mul");
}

/// A minimal 64-bit little-endian ELF file with the given sections (plus
/// the null section and `.shstrtab`).
fn elf(sections: &[(&str, &[u8])]) -> Vec<u8> {
    let mut names = vec![0u8];
    let mut name_offsets = Vec::new();
    for (name, _) in sections.iter().copied().chain([(".shstrtab", &[][..])]) {
        name_offsets.push(names.len() as u32);
        names.extend_from_slice(name.as_bytes());
        names.push(0);
    }
    let mut file = vec![0u8; 64];
    file[..4].copy_from_slice(b"\x7fELF");
    file[4] = 2; // 64-bit
    file[5] = 1; // little-endian
    let mut placed = Vec::new();
    for (_, data) in sections {
        placed.push((file.len() as u64, data.len() as u64));
        file.extend_from_slice(data);
    }
    placed.push((file.len() as u64, names.len() as u64));
    file.extend_from_slice(&names);
    let shoff = file.len() as u64;
    file.extend_from_slice(&[0u8; 64]); // the null section
    for (name, (offset, size)) in name_offsets.iter().zip(&placed) {
        let mut h = [0u8; 64];
        h[..4].copy_from_slice(&name.to_le_bytes());
        h[4..8].copy_from_slice(&1u32.to_le_bytes()); // PROGBITS
        h[0x18..0x20].copy_from_slice(&offset.to_le_bytes());
        h[0x20..0x28].copy_from_slice(&size.to_le_bytes());
        file.extend_from_slice(&h);
    }
    let shnum = placed.len() as u16 + 1;
    file[0x28..0x30].copy_from_slice(&shoff.to_le_bytes());
    file[0x3a..0x3c].copy_from_slice(&64u16.to_le_bytes());
    file[0x3c..0x3e].copy_from_slice(&shnum.to_le_bytes());
    file[0x3e..0x40].copy_from_slice(&(shnum - 1).to_le_bytes());
    file
}

#[test]
fn records_are_read_from_the_elf_section() {
    let record = format!("{MUL}\0");
    let file = elf(&[
        (".text", b"\x90\x90"),
        ("hotcall_bindgen", record.as_bytes()),
    ]);
    assert_eq!(
        meta::elf_section(&file, "hotcall_bindgen").unwrap(),
        Some(record.as_bytes())
    );
    assert_eq!(
        meta::elf_section(&file, ".text").unwrap(),
        Some(&b"\x90\x90"[..])
    );
    assert_eq!(meta::elf_section(&file, "hotcall_bindgen_x").unwrap(), None);
    let fns = read_library(&file).unwrap();
    assert_eq!(fns.len(), 1);
    assert_eq!(fns[0].name, "mul");
}

#[test]
fn libraries_without_metadata_are_errors() {
    let file = elf(&[(".text", b"\x90")]);
    let err = read_library(&file).unwrap_err().0;
    assert!(err.contains("no hotcall-bindgen metadata"), "{err}");
    let err = read_library(b"MZ\x90\x00 not an ELF").unwrap_err().0;
    assert!(err.contains("not an ELF or 64-bit Mach-O library"), "{err}");
    let err = read_library(&elf(&[])[..40]).unwrap_err().0;
    assert_eq!(err, "truncated ELF file");
}

#[test]
fn two_different_structs_with_one_name_are_an_error() {
    let other = MUL
        .replace(r#""name":"mul""#, r#""name":"mul2""#)
        .replace(r#""type":"i32"}]"#, r#""type":"i64"}]"#);
    let fns = [
        meta::parse_record(MUL).unwrap(),
        meta::parse_record(&other).unwrap(),
    ];
    let err = ts::generate("lib", &fns).unwrap_err().0;
    assert_eq!(err, "two different #[bindgen] structs are named Input");
}

/// A minimal 64-bit Mach-O file: one LC_SEGMENT_64 `seg` with the sections.
fn macho(seg: &str, sections: &[(&str, &[u8])]) -> Vec<u8> {
    let cmd_size = 72 + 80 * sections.len();
    let mut file = vec![0u8; 32 + cmd_size];
    file[..4].copy_from_slice(&0xfeed_facfu32.to_le_bytes());
    file[16..20].copy_from_slice(&1u32.to_le_bytes()); // ncmds
    file[20..24].copy_from_slice(&(cmd_size as u32).to_le_bytes());
    let cmd = 32;
    file[cmd..cmd + 4].copy_from_slice(&0x19u32.to_le_bytes());
    file[cmd + 4..cmd + 8].copy_from_slice(&(cmd_size as u32).to_le_bytes());
    file[cmd + 8..cmd + 8 + seg.len()].copy_from_slice(seg.as_bytes());
    file[cmd + 64..cmd + 68].copy_from_slice(&(sections.len() as u32).to_le_bytes());
    for (i, (name, data)) in sections.iter().enumerate() {
        let offset = file.len();
        file.extend_from_slice(data);
        let s = cmd + 72 + i * 80;
        file[s..s + name.len()].copy_from_slice(name.as_bytes());
        file[s + 16..s + 16 + seg.len()].copy_from_slice(seg.as_bytes());
        file[s + 40..s + 48].copy_from_slice(&(data.len() as u64).to_le_bytes());
        file[s + 48..s + 52].copy_from_slice(&(offset as u32).to_le_bytes());
    }
    file
}

#[test]
fn records_are_read_from_the_macho_section() {
    let record = format!("{MUL}\0");
    let file = macho(
        "__DATA",
        &[("__data", b"xyz"), ("__hotcall_bg", record.as_bytes())],
    );
    let fns = read_library(&file).unwrap();
    assert_eq!(fns.len(), 1);
    assert_eq!(fns[0].name, "mul");
    let elsewhere = macho("__TEXT", &[("__hotcall_bg", record.as_bytes())]);
    let err = read_library(&elsewhere).unwrap_err().0;
    assert!(err.contains("no hotcall-bindgen metadata"), "{err}");
}
