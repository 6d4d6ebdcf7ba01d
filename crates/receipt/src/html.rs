//! A printable HTML receipt (for a browser, an e-mail, or a printer without ESC/POS).

use crate::layout::{Align, Block, Style};
use qrcode::{Color, EcLevel, QrCode};

/// A receipt's QR code carries a signed code of a few hundred bytes; anything longer is not one
/// of ours, and is shown as text only rather than drawn as a symbol no till would read.
const MAX_QR_BYTES: usize = 1024;
/// Screen pixels per QR module: a phone or a handheld scanner reads 4 px modules from paper
/// printed at 96 dpi (about 1 mm each) and from a screen.
const PX_PER_MODULE: usize = 4;
/// The blank border a scanner needs around the symbol, in modules (the standard's minimum).
const QUIET_ZONE: usize = 4;

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `data` as an inline SVG QR code (one path of dark modules, quiet zone included), or `None`
/// when it is too long to be a receipt code.
pub fn qr_svg(data: &str) -> Option<String> {
    if data.len() > MAX_QR_BYTES {
        return None;
    }
    // Level M survives a crease or a smudge on a paper receipt and keeps the symbol small.
    let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let side = width + 2 * QUIET_ZONE;
    let mut path = String::new();
    for (i, color) in code.to_colors().into_iter().enumerate() {
        if color == Color::Dark {
            let (x, y) = (i % width + QUIET_ZONE, i / width + QUIET_ZONE);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    let px = side * PX_PER_MODULE;
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{px}\" height=\"{px}\" \
         viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\" role=\"img\" \
         aria-label=\"receipt QR code\"><rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/>\
         <path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}

/// A self-contained page: monospace lines as on paper, and the QR code drawn as an inline SVG
/// (no network, no script) with its payload as text below it, for a person or a scanner that
/// cannot read the symbol.
pub fn render(title: &str, blocks: &[Block]) -> String {
    let mut body = String::new();
    for block in blocks {
        match block {
            Block::Line(line) => {
                let class = match (line.style, line.align) {
                    (Style::Large, _) => "large center",
                    (Style::Bold, Align::Center) => "bold center",
                    (Style::Bold, Align::Left) => "bold",
                    (Style::Normal, Align::Center) => "center",
                    (Style::Normal, Align::Left) => "",
                };
                body.push_str(&format!(
                    "<div class=\"{class}\">{}</div>\n",
                    escape(&line.text)
                ));
            }
            Block::Rule => body.push_str("<hr>\n"),
            Block::Qr(data) => {
                let image = qr_svg(data).unwrap_or_default();
                body.push_str(&format!(
                    "<div class=\"qr center\" data-qr=\"{0}\">{image}<div class=\"qr-text\">{0}</div></div>\n",
                    escape(data)
                ));
            }
            Block::Cut => {}
        }
    }
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title>\n\
         <style>body{{font:14px/1.3 monospace;width:42ch;margin:1em auto;white-space:pre}}\
         .center{{text-align:center}}.bold{{font-weight:bold}}.large{{font-weight:bold;font-size:1.6em}}\
         hr{{border:0;border-top:1px dashed #000}}.qr{{white-space:normal;margin:1em 0}}.qr svg{{display:block;margin:0 auto}}\
         .qr-text{{font-size:10px;word-break:break-all}}\
         @media print{{body{{margin:0}}}}</style></head>\n<body>\n{body}</body></html>\n",
        escape(title)
    )
}
