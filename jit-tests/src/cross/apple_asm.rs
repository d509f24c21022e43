//! Rewrites clang's arm64 Mach-O assembly (Apple ABI code) into GNU ELF
//! assembly for aarch64 Linux, so Apple-convention functions can run under
//! qemu-aarch64. Only the directives and relocation syntax change; the
//! instructions (and so the calling convention they implement) stay.

/// Converts one assembly file.
pub fn apple_asm_to_elf(src: &str) -> String {
    let mut out = String::new();
    for line in src.lines() {
        let line = strip_comment(line);
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let directive = trimmed.split_whitespace().next().unwrap_or("");
        let converted = match directive {
            ".build_version"
            | ".subsections_via_symbols"
            | ".loh"
            | ".data_region"
            | ".end_data_region" => continue,
            ".section" => section(trimmed),
            ".const" | ".cstring" | ".literal4" | ".literal8" | ".literal16" => {
                ".section .rodata".to_string()
            }
            ".alt_entry" => continue,
            ".private_extern" => symbols(&line.replacen(".private_extern", ".hidden", 1)),
            ".weak_definition" | ".weak_reference" => {
                symbols(&line.replacen(directive, ".weak", 1))
            }
            ".zerofill" => zerofill(trimmed),
            _ => symbols(line),
        };
        out.push_str(&converted);
        out.push('\n');
    }
    out
}

fn strip_comment(line: &str) -> &str {
    match line.find(';') {
        Some(i) => &line[..i],
        None => line,
    }
}

/// Maps a Mach-O `segment,section` to the ELF section of the same role.
/// Thread-local sections have no plain ELF equivalent (the cross builds
/// define `HC_NO_TLS` so that none appear).
fn section(line: &str) -> String {
    let name = line[".section".len()..].trim();
    let elf = if name.starts_with("__TEXT,__text") {
        ".text"
    } else if name.starts_with("__DATA,__thread") {
        panic!("thread-local data cannot be converted: {line}")
    } else if name.starts_with("__TEXT,") || name.starts_with("__DATA,__const") {
        // __const, __cstring, __literal4/8/16: read-only data.
        ".section .rodata"
    } else if name.starts_with("__DATA,__bss") || name.starts_with("__DATA,__common") {
        ".bss"
    } else {
        ".data"
    };
    elf.to_string()
}

/// `.zerofill __DATA,__common,_g,8,3` → `.comm g,8,8`.
fn zerofill(line: &str) -> String {
    let parts: Vec<&str> = line[".zerofill".len()..]
        .trim()
        .split(',')
        .map(str::trim)
        .collect();
    let (sym, size, align_log2) = (parts[2], parts[3], parts.get(4).copied().unwrap_or("0"));
    let align = 1u64 << align_log2.parse::<u32>().unwrap_or(0);
    format!(".comm {},{},{}", demangle(sym), size, align)
}

fn demangle(sym: &str) -> &str {
    sym.strip_prefix('_').unwrap_or(sym)
}

/// Rewrites `_sym@PAGE` → `sym`, `_sym@PAGEOFF` → `:lo12:sym` and strips
/// the Mach-O leading underscore of every global symbol.
fn symbols(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let bytes: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let starts_ident = (c == '_' || c.is_ascii_alphabetic() || c == '.')
            && (i == 0
                || !(bytes[i - 1].is_ascii_alphanumeric()
                    || bytes[i - 1] == '_'
                    || bytes[i - 1] == '.'));
        if !starts_ident {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len()
            && (bytes[i].is_ascii_alphanumeric()
                || bytes[i] == '_'
                || bytes[i] == '.'
                || bytes[i] == '$')
        {
            i += 1;
        }
        let ident: String = bytes[start..i].iter().collect();
        let name = demangle(&ident).to_string();
        let mut suffix = String::new();
        if i < bytes.len() && bytes[i] == '@' {
            let s = i + 1;
            let mut j = s;
            while j < bytes.len() && bytes[j].is_ascii_alphabetic() {
                j += 1;
            }
            suffix = bytes[s..j].iter().collect();
            i = j;
        }
        match suffix.as_str() {
            "" => out.push_str(&name),
            "PAGE" => out.push_str(&name),
            "PAGEOFF" => {
                out.push_str(":lo12:");
                out.push_str(&name);
            }
            "GOTPAGE" => {
                out.push_str(":got:");
                out.push_str(&name);
            }
            "GOTPAGEOFF" => {
                out.push_str(":got_lo12:");
                out.push_str(&name);
            }
            // @TLVPPAGE / @TLVPPAGEOFF (thread-locals) and anything newer.
            other => panic!("unknown relocation @{other} in: {line}"),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::apple_asm_to_elf;

    #[test]
    fn converts_directives_and_relocations() {
        let src = "\t.section\t__TEXT,__text,regular,pure_instructions\n\
                   \t.build_version macos, 11, 0\n\
                   \t.globl\t_f ; -- Begin function f\n\
                   _f:\n\
                   \tadrp\tx8, _hc_last@GOTPAGE\n\
                   \tldr\tx8, [x8, _hc_last@GOTPAGEOFF]\n\
                   \tadrp\tx9, _g@PAGE\n\
                   \tadd\tx9, x9, _g@PAGEOFF\n\
                   \tret\n\
                   \t.section\t__TEXT,__literal8,8byte_literals\n\
                   .zerofill __DATA,__bss,_g,8,3\n\
                   .subsections_via_symbols\n";
        let got = apple_asm_to_elf(src);
        let want = ".text\n\
                    \t.globl\tf \n\
                    f:\n\
                    \tadrp\tx8, :got:hc_last\n\
                    \tldr\tx8, [x8, :got_lo12:hc_last]\n\
                    \tadrp\tx9, g\n\
                    \tadd\tx9, x9, :lo12:g\n\
                    \tret\n\
                    .section .rodata\n\
                    .comm g,8,8\n";
        assert_eq!(got, want);
    }

    #[test]
    #[should_panic(expected = "unknown relocation @TLVPPAGE")]
    fn refuses_thread_locals() {
        apple_asm_to_elf("\tadrp\tx0, _t@TLVPPAGE\n");
    }
}
