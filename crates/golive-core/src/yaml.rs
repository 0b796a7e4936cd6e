//! Guards for YAML read from users and repositories.

/// The deepest flow nesting (`[`/`{`) serde_yaml accepts; deeper input is refused before
/// parsing, because libyaml's time grows quadratically with the depth.
const MAX_YAML_DEPTH: usize = 128;

/// `Some((line, message))` when YAML text nests flow collections deeper than the parser's
/// limit. Linear, quote-aware, approximate (block scalars are not special-cased, which can only
/// over-count in pathological text).
pub fn too_deep(text: &str) -> Option<(u32, String)> {
    let mut depth = 0usize;
    let mut line = 1u32;
    let mut quote: Option<char> = None;
    let mut comment = false;
    let mut prev = ' ';
    for c in text.chars() {
        if c == '\n' {
            line += 1;
            comment = false;
            prev = c;
            continue;
        }
        if comment {
            continue;
        }
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' if matches!(prev, ' ' | '[' | '{' | ',' | ':' | '\n') => quote = Some(c),
                '#' if prev.is_whitespace() => comment = true,
                '[' | '{' => {
                    depth += 1;
                    if depth > MAX_YAML_DEPTH {
                        return Some((
                            line,
                            format!("collections nested more than {MAX_YAML_DEPTH} levels deep"),
                        ));
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        prev = c;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::too_deep as yaml_too_deep;

    #[test]
    fn flow_depth_is_counted_outside_quotes_and_comments() {
        let deep = format!("a: {}{}\n", "[".repeat(200), "]".repeat(200));
        assert_eq!(yaml_too_deep(&deep).map(|(l, _)| l), Some(1));
        let quoted = format!(
            "a: \"{}\"\nb: '{}'\n# {}\nc: don't [x]\n",
            "[".repeat(500),
            "{".repeat(500),
            "[".repeat(500)
        );
        assert_eq!(yaml_too_deep(&quoted), None);
        let second_line = format!("ok: [1]\nbad: {}\n", "{a: ".repeat(300));
        assert_eq!(yaml_too_deep(&second_line).map(|(l, _)| l), Some(2));
    }
}
