//! ESC/POS, the command language of receipt printers: the bytes for a laid-out receipt, the
//! cash drawer kick, and a decoder that turns bytes back into commands (tests check what a
//! printer would do, not only a golden blob).

use crate::layout::{Align, Block, Style, WIDTH};

const ESC: u8 = 0x1B;
const GS: u8 = 0x1D;
const LF: u8 = 0x0A;
/// Code page 19, PC858: Western European letters and the euro sign.
const PC858: u8 = 19;

/// The upper half (0x80..=0xFF) of code page PC858 (PC850 with € at 0xD5).
const PC858_HIGH: [char; 128] = [
    'Ç', 'ü', 'é', 'â', 'ä', 'à', 'å', 'ç', 'ê', 'ë', 'è', 'ï', 'î', 'ì', 'Ä', 'Å', //
    'É', 'æ', 'Æ', 'ô', 'ö', 'ò', 'û', 'ù', 'ÿ', 'Ö', 'Ü', 'ø', '£', 'Ø', '×', 'ƒ', //
    'á', 'í', 'ó', 'ú', 'ñ', 'Ñ', 'ª', 'º', '¿', '®', '¬', '½', '¼', '¡', '«', '»', //
    '░', '▒', '▓', '│', '┤', 'Á', 'Â', 'À', '©', '╣', '║', '╗', '╝', '¢', '¥', '┐', //
    '└', '┴', '┬', '├', '─', '┼', 'ã', 'Ã', '╚', '╔', '╩', '╦', '╠', '═', '╬', '¤', //
    'ð', 'Ð', 'Ê', 'Ë', 'È', '€', 'Í', 'Î', 'Ï', '┘', '┌', '█', '▄', '¦', 'Ì', '▀', //
    'Ó', 'ß', 'Ô', 'Ò', 'õ', 'Õ', 'µ', 'þ', 'Þ', 'Ú', 'Û', 'Ù', 'ý', 'Ý', '¯', '´', //
    '\u{AD}', '±', '‗', '¾', '¶', '§', '÷', '¸', '°', '¨', '·', '¹', '³', '²', '■', '\u{A0}',
];

/// A character as the printer's code page has it; `?` for what it cannot print.
fn encode_char(c: char) -> u8 {
    match c {
        ' '..='~' => c as u8,
        _ => PC858_HIGH
            .iter()
            .position(|&p| p == c)
            .map_or(b'?', |i| 0x80 + i as u8),
    }
}

fn decode_byte(b: u8) -> char {
    if b < 0x80 {
        b as char
    } else {
        PC858_HIGH[usize::from(b - 0x80)]
    }
}

fn qr(out: &mut Vec<u8>, data: &str) {
    let bytes = data.as_bytes();
    // GS ( k: model 2, module size 6, error correction M, store the data, print it.
    out.extend_from_slice(&[GS, b'(', b'k', 4, 0, 49, 65, 50, 0]);
    out.extend_from_slice(&[GS, b'(', b'k', 3, 0, 49, 67, 6]);
    out.extend_from_slice(&[GS, b'(', b'k', 3, 0, 49, 69, 49]);
    let len = bytes.len() + 3;
    out.extend_from_slice(&[
        GS,
        b'(',
        b'k',
        (len % 256) as u8,
        (len / 256) as u8,
        49,
        80,
        48,
    ]);
    out.extend_from_slice(bytes);
    out.extend_from_slice(&[GS, b'(', b'k', 3, 0, 49, 81, 48]);
}

/// The bytes that print `blocks`: initialise, select PC858, then each line with its alignment
/// and style, QR codes, and a feed and cut at the end.
pub fn encode(blocks: &[Block]) -> Vec<u8> {
    let mut out = vec![ESC, b'@', ESC, b't', PC858];
    for block in blocks {
        match block {
            Block::Line(line) => {
                out.extend_from_slice(&[
                    ESC,
                    b'a',
                    match line.align {
                        Align::Left => 0,
                        Align::Center => 1,
                    },
                ]);
                let (bold, size) = match line.style {
                    Style::Normal => (0, 0x00),
                    Style::Bold => (1, 0x00),
                    Style::Large => (1, 0x11),
                };
                out.extend_from_slice(&[ESC, b'E', bold, GS, b'!', size]);
                out.extend(line.text.chars().map(encode_char));
                out.push(LF);
            }
            Block::Rule => {
                out.extend_from_slice(&[ESC, b'a', 0, ESC, b'E', 0, GS, b'!', 0]);
                out.extend(std::iter::repeat_n(b'-', WIDTH));
                out.push(LF);
            }
            Block::Qr(data) => {
                out.extend_from_slice(&[ESC, b'a', 1]);
                qr(&mut out, data);
                out.push(LF);
            }
            Block::Cut => {
                // GS V 65 n: feed n lines, then cut.
                out.extend_from_slice(&[GS, b'V', 65, 3]);
            }
        }
    }
    out
}

/// A sale's first print: the receipt, and the drawer kick when cash was taken (the drawer opens
/// as the receipt prints, as cashiers expect). Reprints never open the drawer.
pub fn sale_print_job(blocks: &[Block], cash_taken: bool) -> Vec<u8> {
    let mut bytes = encode(blocks);
    if cash_taken {
        bytes.extend(drawer_kick());
    }
    bytes
}

/// ESC p: pulse the drawer kick connector (pin 2, 50 ms on, 500 ms off) to open the cash drawer.
pub fn drawer_kick() -> Vec<u8> {
    vec![ESC, b'p', 0, 25, 250]
}

/// A printer command, as [`decode`] reads it back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Initialise,
    CodePage(u8),
    Align(u8),
    Bold(bool),
    Size(u8),
    /// A line of text, decoded from the code page, without its line feed.
    Text(String),
    /// An empty line feed.
    Feed,
    QrData(String),
    QrPrint,
    /// A QR setting (model, module size, error correction): (function, parameter).
    QrSetting(u8, u8),
    Cut,
    DrawerKick {
        pin: u8,
        on_ms: u16,
        off_ms: u16,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not ESC/POS this decoder knows at byte {at}: {why}")]
pub struct DecodeError {
    pub at: usize,
    pub why: String,
}

/// Reads ESC/POS bytes back into commands (the subset [`encode`] and [`drawer_kick`] write).
pub fn decode(bytes: &[u8]) -> Result<Vec<Command>, DecodeError> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut text = String::new();
    let err = |at: usize, why: &str| DecodeError {
        at,
        why: why.into(),
    };
    let arg = |at: usize| bytes.get(at).copied().ok_or_else(|| err(at, "cut short"));
    while i < bytes.len() {
        match bytes[i] {
            ESC => {
                if !text.is_empty() {
                    return Err(err(i, "a command in the middle of a line"));
                }
                match arg(i + 1)? {
                    b'@' => {
                        out.push(Command::Initialise);
                        i += 2;
                    }
                    b't' => {
                        out.push(Command::CodePage(arg(i + 2)?));
                        i += 3;
                    }
                    b'a' => {
                        out.push(Command::Align(arg(i + 2)?));
                        i += 3;
                    }
                    b'E' => {
                        out.push(Command::Bold(arg(i + 2)? != 0));
                        i += 3;
                    }
                    b'p' => {
                        out.push(Command::DrawerKick {
                            pin: arg(i + 2)?,
                            on_ms: u16::from(arg(i + 3)?) * 2,
                            off_ms: u16::from(arg(i + 4)?) * 2,
                        });
                        i += 5;
                    }
                    other => return Err(err(i, &format!("ESC {other:#04x}"))),
                }
            }
            GS => match arg(i + 1)? {
                b'!' => {
                    out.push(Command::Size(arg(i + 2)?));
                    i += 3;
                }
                b'V' => {
                    arg(i + 3)?;
                    out.push(Command::Cut);
                    i += 4;
                }
                b'(' if arg(i + 2)? == b'k' => {
                    let len = usize::from(arg(i + 3)?) + 256 * usize::from(arg(i + 4)?);
                    let body = bytes
                        .get(i + 5..i + 5 + len)
                        .ok_or_else(|| err(i, "QR command cut short"))?;
                    match (body.first(), body.get(1)) {
                        (Some(49), Some(80)) => out.push(Command::QrData(
                            String::from_utf8_lossy(&body[3..]).into_owned(),
                        )),
                        (Some(49), Some(81)) => out.push(Command::QrPrint),
                        (Some(49), Some(&function)) => {
                            out.push(Command::QrSetting(function, *body.last().unwrap_or(&0)))
                        }
                        _ => return Err(err(i, "unknown QR function")),
                    }
                    i += 5 + len;
                }
                other => return Err(err(i, &format!("GS {other:#04x}"))),
            },
            LF => {
                if text.is_empty() {
                    out.push(Command::Feed);
                } else {
                    out.push(Command::Text(std::mem::take(&mut text)));
                }
                i += 1;
            }
            b if b < 0x20 => return Err(err(i, &format!("control byte {b:#04x}"))),
            b => {
                text.push(decode_byte(b));
                i += 1;
            }
        }
    }
    if !text.is_empty() {
        return Err(err(bytes.len(), "text without a line feed at the end"));
    }
    Ok(out)
}
