//! A printable HTML receipt (for a browser, an e-mail, or a printer without ESC/POS).

use crate::layout::{Align, Block, Style};

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

/// A self-contained page: monospace lines as on paper; the QR code's payload as text (a page
/// that wants the image renders it from `data-qr`).
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
            Block::Qr(data) => body.push_str(&format!(
                "<div class=\"qr center\" data-qr=\"{0}\">{0}</div>\n",
                escape(data)
            )),
            Block::Cut => {}
        }
    }
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title>\n\
         <style>body{{font:14px/1.3 monospace;width:42ch;margin:1em auto;white-space:pre}}\
         .center{{text-align:center}}.bold{{font-weight:bold}}.large{{font-weight:bold;font-size:1.6em}}\
         hr{{border:0;border-top:1px dashed #000}}.qr{{font-size:10px;word-break:break-all;white-space:normal}}\
         @media print{{body{{margin:0}}}}</style></head>\n<body>\n{body}</body></html>\n",
        escape(title)
    )
}
