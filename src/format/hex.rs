/// Where and why a hex body is invalid. Positions count characters from 1, like an editor.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HexError {
    #[error("`{found}` at character {position} is not a hex digit")]
    InvalidDigit { position: usize, found: char },
    #[error("odd number of hex digits: the last byte at character {position} is missing a digit")]
    OddDigits { position: usize },
}

/// Parses hex bytes written freely: `deadbeef`, `de ad be ef`, `0xde 0xad`, `de:ad`, `de-ad`,
/// over several lines. Separators split bytes; a lone digit between separators is refused.
pub fn parse_hex(text: &str) -> Result<Vec<u8>, HexError> {
    let mut out = Vec::with_capacity(text.len() / 2);
    let mut pending: Option<(u8, usize)> = None;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let position = i + 1;
        if c == '0'
            && pending.is_none()
            && matches!(chars.get(i + 1), Some('x' | 'X'))
            && chars.get(i + 2).is_some_and(|c| c.is_ascii_hexdigit())
        {
            i += 2;
            continue;
        }
        if c.is_whitespace() || matches!(c, ':' | '-' | ',') {
            if let Some((_, start)) = pending {
                return Err(HexError::OddDigits { position: start });
            }
            i += 1;
            continue;
        }
        let Some(digit) = c.to_digit(16) else {
            return Err(HexError::InvalidDigit { position, found: c });
        };
        match pending.take() {
            Some((high, _)) => out.push(high << 4 | digit as u8),
            None => pending = Some((digit as u8, position)),
        }
        i += 1;
    }
    if let Some((_, start)) = pending {
        return Err(HexError::OddDigits { position: start });
    }
    Ok(out)
}

/// The classic view: offset | 16 hex bytes | ASCII, one line per 16 bytes.
pub fn hexdump(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() / 16 * 78 + 78);
    for (line, chunk) in bytes.chunks(16).enumerate() {
        let _ = write!(out, "{:08x}  ", line * 16);
        for i in 0..16 {
            match chunk.get(i) {
                Some(b) => {
                    let _ = write!(out, "{b:02x} ");
                }
                None => out.push_str("   "),
            }
            if i == 7 {
                out.push(' ');
            }
        }
        out.push_str(" |");
        for &b in chunk {
            out.push(if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                '.'
            });
        }
        out.push_str("|\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_spellings() {
        let want = vec![0xde, 0xad, 0xbe, 0xef];
        for text in [
            "deadbeef",
            "de ad be ef",
            "0xde 0xad 0xbe 0xef",
            "DE:AD:BE:EF",
            "de-ad\nbe,ef",
        ] {
            assert_eq!(parse_hex(text).unwrap(), want, "{text}");
        }
        assert_eq!(parse_hex("").unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn errors_name_the_position() {
        assert_eq!(
            parse_hex("de ag").unwrap_err(),
            HexError::InvalidDigit {
                position: 5,
                found: 'g'
            }
        );
        assert_eq!(
            parse_hex("dea").unwrap_err(),
            HexError::OddDigits { position: 3 }
        );
        assert_eq!(
            parse_hex("d ea").unwrap_err(),
            HexError::OddDigits { position: 1 }
        );
    }

    #[test]
    fn hexdump_lines() {
        let dump = hexdump(b"Hello, world!\x00\x01\x02\xff");
        let lines: Vec<&str> = dump.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 00 01 02"));
        assert!(lines[0].ends_with("|Hello, world!...|"));
        assert!(lines[1].starts_with("00000010  ff "));
        assert!(lines[1].ends_with("|.|"));
    }
}
